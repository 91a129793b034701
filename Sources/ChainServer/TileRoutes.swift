import Foundation
public import Hummingbird
public import LedgerCore
import NIOCore

/// The log, read-only, as C2SP tlog-tiles: `<prefix>/checkpoint`, the Merkle tree as tiles of 256
/// hashes at `<prefix>/tile/<L>/<N>[.p/<W>]`, and the entries as bundles at
/// `<prefix>/tile/entries/<N>[.p/<W>]`, so that a tiles client or an HTTP cache can mirror it.
///
/// Tiles and bundles never change, so they are cached for a year (`private`, since reading the
/// ledger takes a token); a partial tile of width W is served for any W the log has reached. An
/// entry bundle is a sequence of big-endian uint16 length-prefixed entries, so it cannot hold an
/// entry over 65,535 bytes: a bundle that would is refused with 422, naming the entry, which
/// `/api/log/{position}` serves (the spec lets a log serve other encodings at other URLs).
public struct TileRoutes<Context: RequestContext>: Sendable {
    let store: any LedgerStore
    let authorize: @Sendable (Context) throws -> Void

    public init(store: any LedgerStore, authorize: @escaping @Sendable (Context) throws -> Void) {
        self.store = store
        self.authorize = authorize
    }

    /// The largest entry an entry bundle can carry.
    public static var largestBundledEntry: Int { Int(UInt16.max) }

    public func register(on router: Router<Context>, prefix: String = "tiles") {
        let group = router.group(RouterPath(prefix))
        group.get("checkpoint") { _, context -> Response in
            try authorize(context)
            guard let checkpoint = try await store.latestCheckpoint() else {
                throw APIError(.notFound, "no-checkpoint", "the ledger has no checkpoint yet")
            }
            return Response(
                status: .ok, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "private, max-age=2"],
                body: .init(byteBuffer: ByteBuffer(string: checkpoint.note)))
        }
        group.get("tile/**") { _, context -> Response in
            try authorize(context)
            let path = context.parameters.getCatchAll().map(String.init)
            guard let tile = TilePath(path) else {
                throw APIError(.notFound, "not-a-tile", "not a tile path: tile/<L>/<N>[.p/<W>] or tile/entries/<N>[.p/<W>]")
            }
            let size = try await store.size()
            guard tile.isAvailable(size: size) else { throw APIError(.notFound, "no-such-tile", "the log of \(size) entries has no such tile yet") }
            let body = tile.isEntries ? try await bundle(tile) : try await hashes(tile)
            return Response(
                status: .ok,
                headers: [.contentType: "application/octet-stream", .cacheControl: "private, max-age=31536000, immutable"],
                body: .init(byteBuffer: body))
        }
    }

    func hashes(_ tile: TilePath) async throws -> ByteBuffer {
        let nodes = (0..<UInt64(tile.width)).map { TreeNode(level: 8 * tile.level, index: tile.index * 256 + $0) }
        let found = try await store.hashes(of: nodes)
        var buffer = ByteBuffer()
        for node in nodes {
            guard let hash = found[node] else { throw APIError(.internalServerError, "ledger", "the store lacks node \(node)") }
            buffer.writeBytes(hash.bytes)
        }
        return buffer
    }

    func bundle(_ tile: TilePath) async throws -> ByteBuffer {
        let first = tile.index * 256
        let entries = try await store.entries(from: first, limit: tile.width)
        guard entries.count == tile.width, entries.first?.position == first else {
            throw APIError(.internalServerError, "ledger", "the store lacks entries from \(first)")
        }
        var buffer = ByteBuffer()
        for entry in entries {
            guard entry.bytes.count <= Self.largestBundledEntry else {
                throw APIError(
                    .unprocessableContent, "entry-too-large",
                    "entry \(entry.position) holds \(entry.bytes.count) bytes, more than an entry bundle can (65,535); GET /api/log/\(entry.position) serves it"
                )
            }
            buffer.writeInteger(UInt16(entry.bytes.count))
            buffer.writeBytes(entry.bytes)
        }
        return buffer
    }
}

/// A tile's path: `<L>/<N>[.p/<W>]` or `entries/<N>[.p/<W>]`, `<N>` in 3-digit elements, all but
/// the last starting with `x`.
struct TilePath: Equatable {
    let isEntries: Bool
    let level: Int
    let index: UInt64
    /// 256 for a full tile, else the partial width.
    let width: Int

    init?(_ components: [String]) {
        var parts = components[...]
        guard let head = parts.popFirst() else { return nil }
        if head == "entries" {
            isEntries = true
            level = 0
        } else {
            guard let level = Int(head), String(level) == head, level <= 63 else { return nil }
            isEntries = false
            self.level = level
        }
        var width = 256
        if parts.count >= 2, parts[parts.endIndex - 2].hasSuffix(".p") {
            let text = parts.removeLast()
            guard let partial = Int(text), String(partial) == text, partial >= 1, partial <= 255 else { return nil }
            width = partial
            let last = parts.removeLast()
            parts.append(String(last.dropLast(2)))
        }
        guard !parts.isEmpty else { return nil }
        var index: UInt64 = 0
        for (offset, element) in parts.enumerated() {
            let digits = offset < parts.count - 1 ? (element.hasPrefix("x") ? element.dropFirst() : "") : Substring(element)
            guard digits.count == 3, digits.allSatisfy(\.isASCII), let value = UInt64(digits), value <= 999 else { return nil }
            let (product, overflow) = index.multipliedReportingOverflow(by: 1000)
            guard !overflow else { return nil }
            index = product + value
        }
        self.index = index
        self.width = width
    }

    /// Whether the log of `size` entries holds every hash (or entry) of the tile: its first
    /// `width` hashes each span a complete subtree.
    func isAvailable(size: UInt64) -> Bool {
        guard level < 8 else { return false } // a level-8 tile spans 2^64 entries
        let span = UInt64(1) << (8 * UInt64(level))
        let (first, overflow) = index.multipliedReportingOverflow(by: 256)
        let (start, overflowStart) = first.multipliedReportingOverflow(by: span)
        let (length, overflowLength) = UInt64(width).multipliedReportingOverflow(by: span)
        guard !overflow, !overflowStart, !overflowLength, start <= size else { return false }
        return length <= size - start
    }
}

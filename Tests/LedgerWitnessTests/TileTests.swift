import ChainServer
import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerConformance
import LedgerCore
import LedgerSQLite
import Testing

/// C2SP tlog-tiles: the tiles' hashes reproduce the signed root, bundles hash to their level-0
/// tiles, partial tiles grow into full ones, and full ones never change.
struct TileTests {
    /// RFC 6962 MTH, straight from its definition, over leaf hashes.
    static func mth(_ leaves: ArraySlice<TreeHash>) -> TreeHash {
        if leaves.count == 1 { return leaves.first! }
        var split = 1
        while split * 2 < leaves.count { split *= 2 }
        return TreeHash.node(mth(leaves.prefix(split)), mth(leaves.dropFirst(split)))
    }

    static func hashes(_ buffer: ByteBuffer) -> [TreeHash] {
        let bytes = Array(buffer.readableBytesView)
        return stride(from: 0, to: bytes.count, by: 32).map { TreeHash(bytes: bytes[$0..<$0 + 32])! }
    }

    @Test func tilesReproduceTheRootAndNeverChange() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("chainledger-tiles-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var coalition = try TestCoalition()
        let store = try SQLiteLedgerStore(path: folder.appendingPathComponent("ledger.sqlite").path)
        let ledger = try await Ledger(store: store, domain: OpenDomain(), checkpointKey: coalition.checkpointKey)
        _ = try await ledger.append(try coalition.genesis())
        let signer = coalition
        @Sendable func grow(to size: UInt64) async throws {
            while try await store.size() < size {
                let count = min(100, Int(size - (try await store.size())))
                let version = try await store.version(of: "s/1")
                let events = (0..<count).map { TestCoalition.event("s/1", expected: version + UInt64($0)) }
                _ = try await ledger.append(signer.sign(by: signer.founder, events))
            }
        }
        try await grow(to: 600)
        let router = Router()
        TileRoutes<BasicRequestContext>(store: store, authorize: { _ in }).register(on: router)
        let app = Application(router: router)
        try await app.test(.router) { client in
            func get(_ path: String) async throws -> (HTTPResponse.Status, ByteBuffer, String?) {
                let response = try await client.execute(uri: "/tiles/" + path, method: .get)
                return (response.status, response.body, response.headers[.cacheControl])
            }
            let note = String(buffer: try await get("checkpoint").1)
            let checkpoint = try Checkpoint.open(note, verifier: signer.checkpointKey.verifier)
            #expect(checkpoint.size == 600)
            // 600 = 2 full level-0 tiles and one of width 88; level 1 has a partial tile of width 2.
            let full0 = try await get("tile/0/000")
            #expect(full0.0 == .ok && full0.1.readableBytes == 8192 && full0.2 == "private, max-age=31536000, immutable")
            var leaves = Self.hashes(full0.1) + Self.hashes(try await get("tile/0/001").1)
            let partial = try await get("tile/0/002.p/88")
            #expect(partial.0 == .ok && partial.1.readableBytes == 88 * 32)
            leaves += Self.hashes(partial.1)
            #expect(Self.mth(leaves[...]) == checkpoint.root, "the level-0 tiles give the signed root")
            let level1 = Self.hashes(try await get("tile/1/000.p/2").1)
            #expect(level1 == [Self.mth(leaves[0..<256]), Self.mth(leaves[256..<512])])
            // Entry bundles hash to the level-0 tile.
            var bundle = try await get("tile/entries/002.p/88").1
            var bundled: [TreeHash] = []
            while let length = bundle.readInteger(as: UInt16.self) {
                bundled.append(TreeHash.leaf(Array(bundle.readBytes(length: Int(length))!)))
            }
            #expect(bundled == Self.hashes(partial.1))
            // What the log has not reached, and paths that are no tiles.
            for path in [
                "tile/0/002", "tile/0/002.p/89", "tile/1/000", "tile/0/2", "tile/00/000", "tile/0/x000", "tile/0/000.p/0", "tile/0/000.p/256",
                "tile/64/000", "tile/8/000.p/1",
            ] {
                #expect(try await get(path).0 == .notFound, "\(path)")
            }
            // The log grows: the partial tile becomes a full one that starts with it, and the
            // full tiles stay as they were.
            try await grow(to: 800)
            let now = try await get("tile/0/002")
            #expect(now.0 == .ok && Array(Self.hashes(now.1).prefix(88)) == Self.hashes(partial.1))
            #expect(try await get("tile/0/000").1 == full0.1)
            #expect(try await get("tile/0/002.p/88").1 == partial.1)
        }
    }
}

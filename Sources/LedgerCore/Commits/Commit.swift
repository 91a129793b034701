import Crypto
public import Foundation

/// The id of a commit: SHA-256 of its signed bytes, in lowercase hexadecimal.
public struct CommitID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// 64 lowercase hexadecimal digits.
    public let hex: String

    /// The id of the given signed bytes.
    public init<Bytes: DataProtocol>(of signedBytes: Bytes) {
        hex = SHA256.hash(data: signedBytes).hexString
    }

    /// Accepts 64 lowercase hexadecimal digits.
    public init?(hex: String) {
        guard Identifiers.isCommitID(hex) else { return nil }
        self.hex = hex
    }

    public var description: String { hex }
    public static func < (lhs: CommitID, rhs: CommitID) -> Bool { lhs.hex < rhs.hex }
}

/// A commit document: the bytes an organisation signs to add events to the ledger.
///
/// The document is JSON Lines, every line ending in `\n`: a header line
/// `{"format":"chainledger.commit/1","ledger":<genesis commit id>,"organisation":…,"key":<key id>,"time":<RFC 3339>,"events":<n>}`
/// (no `ledger` member in the genesis commit), then exactly `n` event lines (`EventLine`).
/// The signature is Ed25519 over these bytes, carried beside them; the commit's id is SHA-256 of
/// them. Nothing is ever re-encoded: a verifier checks the stored bytes with any Ed25519 tool.
public struct CommitDocument: Sendable {
    /// The format tag of the header's `format` member.
    public static let format = "chainledger.commit/1"
    /// The most events one commit may carry.
    public static let maximumEvents = 100_000
    /// The largest commit document accepted, in bytes.
    public static let maximumBytes = 64 << 20

    /// The exact signed bytes.
    public let bytes: [UInt8]
    /// SHA-256 of `bytes`.
    public let id: CommitID
    /// The ledger the commit is for (`nil` for a genesis commit).
    public let ledger: CommitID?
    /// The signing organisation.
    public let organisation: String
    /// The id of the signing key.
    public let keyID: String
    /// The signer's clock when signing.
    public let time: Timestamp
    /// The events, in order.
    public let events: [EventLine]

    static let headerFields: [String] = ["format", "ledger", "organisation", "key", "time", "events"]

    /// Parses and checks the signed bytes of a commit.
    public init(parsing bytes: [UInt8]) throws(LedgerError) {
        guard bytes.count <= Self.maximumBytes else {
            throw .malformedCommit("the commit is \(bytes.count) bytes; the limit is \(Self.maximumBytes)")
        }
        guard bytes.last == 0x0A else { throw .malformedCommit("the document must end with a newline") }
        guard !bytes.contains(0x0D) else {
            throw .malformedCommit("lines end in a newline alone; carriage returns are not allowed")
        }
        let lines = Self.lines(bytes)
        guard let headerLine = lines.first, lines.allSatisfy({ !$0.isEmpty }) else {
            throw .malformedCommit("empty line in the document")
        }
        do {
            let header = try JSONFields(headerLine, allowed: Self.headerFields)
            let format = try header.string("format")
            guard format == Self.format else {
                throw FormatError(message: "format \"\(format)\" is not \(Self.format)")
            }
            if let ledger = try header.optionalString("ledger") {
                guard let id = CommitID(hex: ledger) else {
                    throw FormatError(message: "ledger must be the 64-digit hex id of the genesis commit")
                }
                self.ledger = id
            } else {
                self.ledger = nil
            }
            organisation = try header.string("organisation")
            guard Identifiers.isOrganisation(organisation) else {
                throw FormatError(message: "organisation \"\(organisation)\" is not a valid organisation id (lowercase letters, digits, hyphens)")
            }
            keyID = try header.string("key")
            guard Identifiers.isKeyID(keyID) else {
                throw FormatError(message: "key \"\(keyID)\" is not a key id (16 hex digits)")
            }
            let timeText = try header.string("time")
            guard let time = Timestamp(rfc3339: timeText) else {
                throw FormatError(message: "time \"\(timeText)\" is not an RFC 3339 UTC time such as 2026-03-01T09:30:00Z")
            }
            self.time = time
            let count = try header.unsigned("events")
            guard count >= 1, count <= UInt64(Self.maximumEvents) else {
                throw FormatError(message: "a commit carries 1 to \(Self.maximumEvents) events, not \(count)")
            }
            guard lines.count - 1 == Int(count) else {
                throw FormatError(message: "the header announces \(count) events but \(lines.count - 1) event lines follow")
            }
        } catch {
            throw .malformedCommit("header: \(error)")
        }
        let eventLines = Array(lines.dropFirst())
        let events = try Parallel.map(eventLines.count) { (index) throws(LedgerError) -> EventLine in
            do throws(FormatError) {
                return try EventLine(parsing: eventLines[index])
            } catch {
                throw .invalidEvent(index: index, reason: error.phrase)
            }
        }
        self.events = events
        self.bytes = bytes
        id = CommitID(of: bytes)
    }

    /// The lines of a document that ends in a newline, without their newlines.
    private static func lines(_ bytes: [UInt8]) -> [[UInt8]] {
        bytes.withUnsafeBytes { buffer in
            var lines: [[UInt8]] = []
            var start = 0
            while start < buffer.count,
                let found = memchr(buffer.baseAddress! + start, 0x0A, buffer.count - start)
            {
                let end = buffer.baseAddress!.distance(to: UnsafeRawPointer(found))
                lines.append(Array(buffer[start..<end]))
                start = end + 1
            }
            return lines
        }
    }

    /// Composes the signed bytes of a commit. Clients call this, sign the result and submit both.
    public static func compose(
        ledger: CommitID?, organisation: String, keyID: String, time: Timestamp, events: [EventLine]
    ) -> [UInt8] {
        var header = "{\"format\":\"\(format)\","
        if let ledger { header += "\"ledger\":\"\(ledger.hex)\"," }
        header += "\"organisation\":\(JSONText.quoted(organisation)),\"key\":\(JSONText.quoted(keyID)),"
        header += "\"time\":\"\(time)\",\"events\":\(events.count)}\n"
        var bytes = Array(header.utf8)
        for event in events {
            bytes += event.bytes
            bytes.append(0x0A)
        }
        return bytes
    }
}

/// A commit as submitted: the signed bytes and the detached Ed25519 signature.
public struct SignedCommit: Sendable, Equatable {
    /// The commit document, exactly as signed.
    public let bytes: [UInt8]
    /// 64-byte Ed25519 signature over `bytes`.
    public let signature: [UInt8]

    public init(bytes: [UInt8], signature: [UInt8]) {
        self.bytes = bytes
        self.signature = signature
    }

    /// Composes and signs a commit with an organisation's key.
    public static func sign(
        ledger: CommitID?, organisation: String, key: SigningKey, time: Timestamp = .now(), events: [EventLine]
    ) -> SignedCommit {
        let bytes = CommitDocument.compose(
            ledger: ledger, organisation: organisation, keyID: KeyID.of(key.verifier.publicKey), time: time, events: events)
        return SignedCommit(bytes: bytes, signature: Array(key.signature(for: bytes)))
    }
}

/// Key ids as commits name them.
public enum KeyID {
    /// The key id of a raw Ed25519 public key: the first 8 bytes of its SHA-256, in hexadecimal.
    public static func of(_ publicKey: Data) -> String {
        SHA256.hash(data: publicKey).prefix(8).hexString
    }
}

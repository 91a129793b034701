import Foundation

/// A transparency-log trust policy (C2SP tlog-policy): the logs, the witnesses and the quorum of
/// witnesses whose cosignatures make a checkpoint valid. Parsed and written in the spec's line
/// syntax, so that other verifiers read the same file.
public struct WitnessPolicy: Sendable, Equatable {
    /// A log line: `log <vkey> [<url>]`.
    public struct Log: Sendable, Equatable {
        public let key: VerifierKey
        public let url: String?
    }

    /// A witness line: `witness <name> <vkey> [<url>]`.
    public struct Witness: Sendable, Equatable {
        public let name: String
        public let key: CosignerVerifierKey
        public let url: String?
    }

    /// A group line: `group <name> all|any|<k> <member>...`.
    public struct Group: Sendable, Equatable {
        public let name: String
        public let threshold: Int
        public let members: [String]
        /// How the threshold was written (`all`, `any` or a number), kept for writing it back.
        public let spelling: String
    }

    public let logs: [Log]
    public let witnesses: [Witness]
    public let groups: [Group]
    /// The name the quorum line names: a witness, a group, or `none`.
    public let quorum: String

    /// Why a policy text cannot be used, with the line at fault.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public let line: Int
        public let reason: String
        public var description: String { "policy line \(line): \(reason)" }
    }

    /// Parses a policy file.
    public init(parsing text: String) throws(ParseError) {
        var logs: [Log] = []
        var witnesses: [Witness] = []
        var groups: [Group] = []
        var quorum: String?
        var names: Set<String> = []
        var publicKeys: Set<Data> = []
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = offset + 1
            func fail(_ reason: String) -> ParseError { ParseError(line: number, reason: reason) }
            let fields = raw.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let keyword = fields.first, !keyword.hasPrefix("#") else { continue }
            switch keyword {
            case "log":
                guard fields.count == 2 || fields.count == 3 else { throw fail("a log line is `log <vkey> [<url>]`") }
                guard let key = try? VerifierKey(parsing: fields[1]) else { throw fail("\(fields[1]) is not a log's Ed25519 verifier key") }
                guard publicKeys.insert(key.publicKey).inserted else { throw fail("the key of \(key.name) is listed twice") }
                logs.append(Log(key: key, url: fields.count == 3 ? fields[2] : nil))
            case "witness":
                guard fields.count == 3 || fields.count == 4 else { throw fail("a witness line is `witness <name> <vkey> [<url>]`") }
                let name = fields[1]
                guard name != "none", names.insert(name).inserted else { throw fail("the name \(name) is already taken") }
                guard let key = try? CosignerVerifierKey(parsing: fields[2]) else {
                    throw fail("\(fields[2]) is not a cosigner's verifier key (signature type 0x04)")
                }
                guard publicKeys.insert(key.publicKey).inserted else { throw fail("the key of witness \(name) is listed twice") }
                witnesses.append(Witness(name: name, key: key, url: fields.count == 4 ? fields[3] : nil))
            case "group":
                guard fields.count >= 4 else { throw fail("a group line is `group <name> all|any|<k> <member>...`") }
                let name = fields[1]
                let members = Array(fields[3...])
                guard name != "none", names.insert(name).inserted else { throw fail("the name \(name) is already taken") }
                for member in members where !names.contains(member) || member == name {
                    throw fail("\(member) is not a witness or group defined on an earlier line")
                }
                guard Set(members).count == members.count else { throw fail("a group lists each member once") }
                let threshold: Int
                switch fields[2] {
                case "all": threshold = members.count
                case "any": threshold = 1
                default:
                    guard let k = Int(fields[2]), String(k) == fields[2], k >= 1, k <= members.count else {
                        throw fail("the threshold must be all, any or a number from 1 to \(members.count)")
                    }
                    threshold = k
                }
                groups.append(Group(name: name, threshold: threshold, members: members, spelling: fields[2]))
            case "quorum":
                guard fields.count == 2 else { throw fail("a quorum line is `quorum <name>`") }
                guard quorum == nil else { throw fail("a policy has exactly one quorum line") }
                guard fields[1] == "none" || names.contains(fields[1]) else { throw fail("\(fields[1]) is not defined on an earlier line") }
                quorum = fields[1]
            default:
                throw fail("unknown line \"\(keyword)\"")
            }
        }
        guard let quorum else { throw ParseError(line: 0, reason: "a policy has exactly one quorum line") }
        self.logs = logs
        self.witnesses = witnesses
        self.groups = groups
        self.quorum = quorum
    }

    /// Whether the witnesses named in `cosigned` satisfy the quorum.
    public func isSatisfied(by cosigned: Set<String>) -> Bool {
        guard quorum != "none" else { return true }
        var memo: [String: Bool] = [:]
        func witnessed(_ name: String) -> Bool {
            if let known = memo[name] { return known }
            let result: Bool
            if let group = groups.first(where: { $0.name == name }) {
                result = group.members.filter(witnessed).count >= group.threshold
            } else {
                result = cosigned.contains(name)
            }
            memo[name] = result
            return result
        }
        return witnessed(quorum)
    }

    /// The names of the witnesses whose valid cosignature `note` carries.
    public func cosigners(of note: SignedNote) -> Set<String> {
        Set(witnesses.filter { $0.key.cosignatureTime(on: note) != nil }.map(\.name))
    }

    /// Whether `note` is signed by one of the policy's logs and cosigned as the quorum requires.
    public func accepts(_ note: SignedNote) -> Bool {
        logs.contains { (try? note.verify(by: $0.key)) != nil } && isSatisfied(by: cosigners(of: note))
    }

    /// The policy in the spec's syntax, one line per log, witness, group and the quorum.
    public var text: String {
        var lines = logs.map { "log \($0.key)" + ($0.url.map { " \($0)" } ?? "") }
        lines += witnesses.map { "witness \($0.name) \($0.key)" + ($0.url.map { " \($0)" } ?? "") }
        lines += groups.map { "group \($0.name) \($0.spelling) \($0.members.joined(separator: " "))" }
        lines.append("quorum \(quorum)")
        return lines.joined(separator: "\n") + "\n"
    }
}

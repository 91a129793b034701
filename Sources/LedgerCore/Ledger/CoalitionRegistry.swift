public import Foundation

/// Who belongs to the coalition and which keys speak for whom: the state the ledger folds from
/// its own events and checks every commit against.
public struct CoalitionRegistry: Sendable, Equatable {
    /// A member organisation.
    public struct Organisation: Sendable, Equatable {
        public let id: String
        public let name: String
        public let kind: String?
        public let joinedAt: UInt64
    }

    /// A signing key and its validity.
    public struct RegisteredKey: Sendable, Equatable {
        public let id: String
        public let organisation: String
        public let publicKey: Data
        public let registeredAt: UInt64
        public internal(set) var revokedAt: UInt64?
    }

    /// A witness whose cosignatures the coalition's policy may count.
    public struct RegisteredWitness: Sendable, Equatable {
        /// Its name in the policy.
        public let name: String
        /// The member that operates it.
        public let organisation: String
        public let key: CosignerVerifierKey
        /// Its submission prefix (where `add-checkpoint` is).
        public let url: String
        /// The additional statement its cosignatures make, if it is a validating witness.
        public let statement: String?
        public let registeredAt: UInt64
        public internal(set) var retiredAt: UInt64?
    }

    /// Id of the genesis commit: the ledger's identity, named by every later commit.
    public internal(set) var genesis: CommitID?
    public internal(set) var coalitionName = ""
    /// The checkpoint origin line.
    public internal(set) var origin = ""
    /// The key that signs the ledger's checkpoints.
    public internal(set) var checkpointKey: VerifierKey?
    public internal(set) var organisations: [String: Organisation] = [:]
    public internal(set) var coordinators: Set<String> = []
    public internal(set) var keys: [String: RegisteredKey] = [:]
    /// Every witness ever registered, retired ones included, by name.
    public internal(set) var witnesses: [String: RegisteredWitness] = [:]
    /// The `group` and `quorum` lines of the witness policy in force, and where they were set.
    public internal(set) var witnessQuorum: String?
    public internal(set) var witnessPolicySetAt: UInt64?

    public init() {}

    /// The witnesses not retired, by name.
    public var activeWitnesses: [RegisteredWitness] {
        witnesses.values.filter { $0.retiredAt == nil }.sorted { $0.name < $1.name }
    }

    /// The witness policy in force (C2SP tlog-policy): the ledger's checkpoint key, the active
    /// witnesses with their submission prefixes, and the quorum; nil before a policy is set.
    public var witnessPolicy: WitnessPolicy? {
        guard let witnessQuorum else { return nil }
        return try? WitnessPolicy(parsing: policyText(quorum: witnessQuorum, witnesses: activeWitnesses))
    }

    func policyText(quorum: String, witnesses: [RegisteredWitness]) -> String {
        var lines = checkpointKey.map { ["log \($0)"] } ?? []
        lines += witnesses.map { "witness \($0.name) \($0.key) \($0.url)" }
        return (lines + [quorum]).joined(separator: "\n")
    }

    public var isFounded: Bool { genesis != nil }

    /// Checks that `organisation` may sign with `keyID` at this point of the log.
    func requireValidKey(_ keyID: String, of organisation: String) throws(LedgerError) -> RegisteredKey {
        guard let key = keys[keyID] else { throw .unknownKey(organisation: organisation, keyID: keyID) }
        guard key.organisation == organisation else {
            throw .foreignKey(organisation: organisation, keyID: keyID, owner: key.organisation)
        }
        if let revokedAt = key.revokedAt { throw .revokedKey(organisation: organisation, keyID: keyID, revokedAt: revokedAt) }
        return key
    }

    /// Checks that `signer` may cause the core event at `index`, then applies it.
    /// `genesis` is the id of the commit when it is the genesis commit.
    mutating func admit(_ event: EventLine, index: Int, position: UInt64, signer: String, genesis: CommitID?) throws(LedgerError) {
        func refuse(_ reason: Phrase) -> LedgerError {
            .unauthorised(index: index, type: event.type, organisation: signer, reason: reason)
        }
        func rule(_ name: Phrase, _ detail: Phrase) -> LedgerError {
            .ruleViolation(index: index, rule: name, detail: detail)
        }
        if event.type == CoreEvent.coalitionFounded, genesis == nil || index != 0 {
            throw rule("coalition founded once", "CoalitionFounded may only open the genesis commit")
        }
        let change: Change
        do {
            change = try Change(event)
        } catch {
            throw .invalidEvent(index: index, reason: error.phrase)
        }
        let isCoordinator = coordinators.contains(signer)
        switch change {
        case .founded:
            guard genesis != nil, index == 0 else {
                throw rule("coalition founded once", "CoalitionFounded may only open the genesis commit")
            }
        case .joined(let organisation, _, _):
            guard isCoordinator || (genesis != nil && organisations.isEmpty && organisation == signer) else {
                throw refuse("only a coordinator admits organisations")
            }
            guard organisations[organisation] == nil else {
                throw rule("organisation ids are unique", "\"\(organisation)\" is already a member")
            }
        case .appointed(let organisation):
            guard isCoordinator else { throw refuse("only a coordinator appoints coordinators") }
            guard organisations[organisation] != nil else {
                throw rule("coordinators are members", "\"\(organisation)\" is not a member")
            }
            guard !coordinators.contains(organisation) else {
                throw rule("coordinator appointed once", "\"\(organisation)\" is already a coordinator")
            }
        case .withdrawn(let organisation):
            guard isCoordinator else { throw refuse("only a coordinator withdraws a coordinator") }
            guard coordinators.contains(organisation) else {
                throw rule("only coordinators are withdrawn", "\"\(organisation)\" is not a coordinator")
            }
            guard coordinators.count > 1 else {
                throw rule("a coalition keeps a coordinator", "\"\(organisation)\" is the last coordinator")
            }
        case .registered(let organisation, let keyID, _):
            let foundingKey = genesis != nil && keys.isEmpty && organisation == signer
            guard isCoordinator || foundingKey else { throw refuse("only a coordinator registers keys") }
            guard organisations[organisation] != nil else {
                throw rule("keys belong to members", "\"\(organisation)\" is not a member")
            }
            guard keys[keyID] == nil else {
                throw rule("keys are registered once", "key \(keyID) is already registered")
            }
        case .revoked(let organisation, let keyID):
            guard isCoordinator || organisation == signer else {
                throw refuse("only a coordinator or the key's own organisation revokes a key")
            }
            guard let key = keys[keyID], key.organisation == organisation else {
                throw rule("only registered keys are revoked", "key \(keyID) is not a key of \"\(organisation)\"")
            }
            guard key.revokedAt == nil else {
                throw rule("keys are revoked once", "key \(keyID) was already revoked at position \(key.revokedAt ?? 0)")
            }
            let remaining = keys.values.contains { other in
                other.id != keyID && other.revokedAt == nil && coordinators.contains(other.organisation)
            }
            guard remaining else {
                throw rule("a coordinator keeps a valid key", "revoking key \(keyID) would leave no coordinator able to sign")
            }
        case .witnessRegistered(let witness):
            guard isCoordinator else { throw refuse("only a coordinator registers witnesses") }
            guard organisations[witness.organisation] != nil else {
                throw rule("witnesses are operated by members", "\"\(witness.organisation)\" is not a member")
            }
            guard witnesses[witness.name] == nil else {
                throw rule("witness names are unique", "a witness named \"\(witness.name)\" was already registered")
            }
            guard !witnesses.values.contains(where: { $0.key.publicKey == witness.key.publicKey }), checkpointKey?.publicKey != witness.key.publicKey
            else {
                throw rule("witness keys are unique", "the key of \(witness.name) is already registered")
            }
        case .witnessRetired(let organisation, let name):
            guard isCoordinator else { throw refuse("only a coordinator retires witnesses") }
            guard let witness = witnesses[name], witness.organisation == organisation, witness.retiredAt == nil else {
                throw rule("only registered witnesses are retired", "\"\(name)\" is not an active witness of \"\(organisation)\"")
            }
            if let witnessQuorum,
                (try? WitnessPolicy(parsing: policyText(quorum: witnessQuorum, witnesses: activeWitnesses.filter { $0.name != name }))) == nil
            {
                throw rule(
                    "the policy names active witnesses only",
                    "the witness policy in force names \"\(name)\"; set a policy without it first (in the same commit)")
            }
        case .witnessPolicySet(let quorum):
            guard isCoordinator else { throw refuse("only a coordinator sets the witness policy") }
            do {
                _ = try WitnessPolicy(parsing: policyText(quorum: quorum, witnesses: activeWitnesses))
            } catch {
                throw rule("the witness policy names active witnesses", "\(error.reason), with the active witnesses \(activeWitnesses.map(\.name))")
            }
        }
        apply(change, position: position, genesis: genesis)
    }

    /// Folds a stored core event into the registry (no authorisation: it was checked when written).
    mutating func replay(_ event: EventLine, position: UInt64, commit: CommitID) throws(LedgerError) {
        do {
            let change = try Change(event)
            if case .founded = change {
                apply(change, position: position, genesis: commit)
            } else {
                apply(change, position: position, genesis: nil)
            }
        } catch {
            throw .corrupted(position: position, reason: "unreadable \(event.type): \(error.message)")
        }
    }

    private mutating func apply(_ change: Change, position: UInt64, genesis: CommitID?) {
        switch change {
        case .founded(let name, let origin, let checkpointKey):
            self.genesis = genesis
            coalitionName = name
            self.origin = origin
            self.checkpointKey = checkpointKey
        case .joined(let organisation, let name, let kind):
            // The first organisation to join, in the genesis commit, founds and coordinates.
            if organisations.isEmpty { coordinators.insert(organisation) }
            organisations[organisation] = Organisation(id: organisation, name: name, kind: kind, joinedAt: position)
        case .appointed(let organisation):
            coordinators.insert(organisation)
        case .withdrawn(let organisation):
            coordinators.remove(organisation)
        case .registered(let organisation, let keyID, let publicKey):
            keys[keyID] = RegisteredKey(id: keyID, organisation: organisation, publicKey: publicKey, registeredAt: position)
        case .revoked(_, let keyID):
            keys[keyID]?.revokedAt = position
        case .witnessRegistered(let witness):
            witnesses[witness.name] = RegisteredWitness(
                name: witness.name, organisation: witness.organisation, key: witness.key, url: witness.url, statement: witness.statement,
                registeredAt: position)
        case .witnessRetired(_, let name):
            witnesses[name]?.retiredAt = position
        case .witnessPolicySet(let quorum):
            witnessQuorum = quorum
            witnessPolicySetAt = position
        }
    }

    /// A core event's data, read and checked.
    private enum Change {
        case founded(name: String, origin: String, checkpointKey: VerifierKey)
        case joined(organisation: String, name: String, kind: String?)
        case appointed(organisation: String)
        case withdrawn(organisation: String)
        case registered(organisation: String, keyID: String, publicKey: Data)
        case revoked(organisation: String, keyID: String)
        case witnessRegistered(Witness)
        case witnessRetired(organisation: String, witness: String)
        case witnessPolicySet(quorum: String)

        struct Witness {
            let name: String
            let organisation: String
            let key: CosignerVerifierKey
            let url: String
            let statement: String?
        }

        init(_ event: EventLine) throws(FormatError) {
            let data = Array(event.data)
            func organisation(_ fields: JSONFields) throws(FormatError) -> String {
                let id = try fields.string("organisation")
                guard Identifiers.isOrganisation(id) else {
                    throw .init(message: "\"\(id)\" is not a valid organisation id (lowercase letters, digits, hyphens)")
                }
                guard event.stream == CoreEvent.organisationStream(id) else {
                    throw .init(
                        message: "\(event.type) for \"\(id)\" belongs in stream \"\(CoreEvent.organisationStream(id))\", not \"\(event.stream)\"")
                }
                return id
            }
            func text(_ fields: JSONFields, _ key: String, limit: Int = 200) throws(FormatError) -> String {
                let value = try fields.string(key)
                guard !value.isEmpty, value.count <= limit else {
                    throw .init(message: "field \"\(key)\" must hold 1 to \(limit) characters")
                }
                return value
            }
            if event.type == CoreEvent.coalitionFounded, event.stream != CoreEvent.coalitionStream {
                throw .init(message: "CoalitionFounded belongs in stream \"coalition\", not \"\(event.stream)\"")
            }
            if event.type == CoreEvent.witnessPolicySet, event.stream != CoreEvent.coalitionStream {
                throw .init(message: "WitnessPolicySet belongs in stream \"coalition\", not \"\(event.stream)\"")
            }
            if CoreEvent.isCoreType(event.type), event.type != CoreEvent.coalitionFounded, event.type != CoreEvent.witnessPolicySet,
                !event.stream.hasPrefix(CoreEvent.organisationStreamPrefix)
            {
                throw .init(message: "\(event.type) belongs in stream \"organisation/<id>\", not \"\(event.stream)\"")
            }
            guard event.schema == 1 else {
                throw .init(message: "\(event.type) has schema 1 only, not \(event.schema)")
            }
            switch event.type {
            case CoreEvent.coalitionFounded:
                let fields = try JSONFields(data, allowed: ["name", "origin", "checkpointKey"])
                guard event.stream == CoreEvent.coalitionStream else {
                    throw .init(message: "CoalitionFounded belongs in stream \"coalition\"")
                }
                let origin = try text(fields, "origin")
                guard !origin.contains("\n") else { throw .init(message: "the origin must be one line") }
                let keyText = try fields.string("checkpointKey")
                let name = try text(fields, "name")
                let key: VerifierKey
                do {
                    key = try VerifierKey(parsing: keyText)
                } catch {
                    throw .init(message: "checkpointKey: \(error)")
                }
                self = .founded(name: name, origin: origin, checkpointKey: key)
            case CoreEvent.organisationJoined:
                let fields = try JSONFields(data, allowed: ["organisation", "name", "kind"])
                let kind = try fields.optionalString("kind")
                self = .joined(organisation: try organisation(fields), name: try text(fields, "name"), kind: kind)
            case CoreEvent.coordinatorAppointed, CoreEvent.coordinatorWithdrawn:
                let fields = try JSONFields(data, allowed: ["organisation", "reason"])
                let id = try organisation(fields)
                _ = try text(fields, "reason", limit: 500)
                self = event.type == CoreEvent.coordinatorAppointed ? .appointed(organisation: id) : .withdrawn(organisation: id)
            case CoreEvent.keyRegistered:
                let fields = try JSONFields(data, allowed: ["organisation", "key", "publicKey"])
                let id = try organisation(fields)
                guard let publicKey = Data(canonicalBase64: try fields.string("publicKey")), publicKey.count == 32 else {
                    throw .init(message: "publicKey must be the base64 of a 32-byte Ed25519 public key")
                }
                let keyID = try fields.string("key")
                guard keyID == KeyID.of(publicKey) else {
                    throw .init(message: "key \"\(keyID)\" is not the id of that public key (\(KeyID.of(publicKey)))")
                }
                self = .registered(organisation: id, keyID: keyID, publicKey: publicKey)
            case CoreEvent.keyRevoked:
                let fields = try JSONFields(data, allowed: ["organisation", "key", "reason"])
                let id = try organisation(fields)
                _ = try text(fields, "reason", limit: 500)
                self = .revoked(organisation: id, keyID: try fields.string("key"))
            case CoreEvent.witnessRegistered:
                let fields = try JSONFields(data, allowed: ["organisation", "witness", "key", "url", "statement"])
                let id = try organisation(fields)
                let name = try text(fields, "witness", limit: 64)
                guard name != "none", name.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0 != "#" }) else {
                    throw .init(message: "the witness name \"\(name)\" must be printable ASCII without spaces or #, and not \"none\"")
                }
                let key: CosignerVerifierKey
                do {
                    key = try CosignerVerifierKey(parsing: try fields.string("key"))
                } catch {
                    throw .init(message: "key: \(error)")
                }
                let url = try text(fields, "url", limit: 500)
                guard let parsed = URL(string: url), parsed.scheme == "https" || parsed.scheme == "http", parsed.host != nil,
                    !url.contains(where: { $0 == " " || $0 == "\t" })
                else { throw .init(message: "url must be the witness's http or https submission prefix") }
                let statement = try fields.optionalString("statement")
                if let statement, statement.isEmpty || statement.count > 500 || statement.contains("\n") {
                    throw .init(message: "field \"statement\" must be one line of 1 to 500 characters")
                }
                self = .witnessRegistered(Witness(name: name, organisation: id, key: key, url: url, statement: statement))
            case CoreEvent.witnessRetired:
                let fields = try JSONFields(data, allowed: ["organisation", "witness", "reason"])
                let id = try organisation(fields)
                _ = try text(fields, "reason", limit: 500)
                self = .witnessRetired(organisation: id, witness: try text(fields, "witness", limit: 64))
            case CoreEvent.witnessPolicySet:
                let fields = try JSONFields(data, allowed: ["policy", "reason"])
                _ = try text(fields, "reason", limit: 500)
                let quorum = try text(fields, "policy", limit: 10_000)
                for line in quorum.split(separator: "\n") {
                    let keyword = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? ""
                    guard keyword == "group" || keyword == "quorum" || keyword.hasPrefix("#") else {
                        throw .init(message: "the policy holds group and quorum lines only; logs and witnesses come from the ledger (\"\(line)\")")
                    }
                }
                self = .witnessPolicySet(quorum: quorum)
            default:
                throw .init(message: "\(event.type) is not a ledger event; streams \"coalition\" and \"organisation/…\" hold ledger events only")
            }
        }
    }
}

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

    public init() {}

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
        func refuse(_ reason: String) -> LedgerError {
            .unauthorised(index: index, type: event.type, organisation: signer, reason: reason)
        }
        func rule(_ name: String, _ detail: String) -> LedgerError {
            .ruleViolation(index: index, rule: name, detail: detail)
        }
        if event.type == CoreEvent.coalitionFounded, genesis == nil || index != 0 {
            throw rule("coalition founded once", "CoalitionFounded may only open the genesis commit")
        }
        let change: Change
        do {
            change = try Change(event)
        } catch {
            throw .invalidEvent(index: index, reason: error.message)
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
            if CoreEvent.isCoreType(event.type), event.type != CoreEvent.coalitionFounded,
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
            default:
                throw .init(message: "\(event.type) is not a ledger event; streams \"coalition\" and \"organisation/…\" hold ledger events only")
            }
        }
    }
}

public import Foundation

/// The ledger's own events: founding the coalition, admitting organisations, appointing
/// coordinators and registering or revoking signing keys. They live in the streams `coalition`
/// and `organisation/<id>`; domain events may not write there.
public enum CoreEvent {
    public static let coalitionStream = "coalition"
    public static let organisationStreamPrefix = "organisation/"
    /// Stream prefixes whose events make up the registry.
    public static let streamPrefixes = [coalitionStream, organisationStreamPrefix]

    public static let coalitionFounded = "CoalitionFounded"
    public static let organisationJoined = "OrganisationJoined"
    public static let coordinatorAppointed = "CoordinatorAppointed"
    public static let coordinatorWithdrawn = "CoordinatorWithdrawn"
    public static let keyRegistered = "KeyRegistered"
    public static let keyRevoked = "KeyRevoked"
    /// A witness (C2SP tlog-witness) operated by a member, whose cosignatures the policy may count.
    public static let witnessRegistered = "WitnessRegistered"
    public static let witnessRetired = "WitnessRetired"
    /// The witness policy's groups and quorum, in tlog-policy syntax (stream `coalition`).
    public static let witnessPolicySet = "WitnessPolicySet"

    public static let types: Set<String> = [
        coalitionFounded, organisationJoined, coordinatorAppointed, coordinatorWithdrawn, keyRegistered, keyRevoked,
        witnessRegistered, witnessRetired, witnessPolicySet,
    ]

    /// Whether `type` is one of the ledger's own event types (without hashing the name).
    public static func isCoreType(_ type: String) -> Bool {
        switch type {
        case coalitionFounded, organisationJoined, coordinatorAppointed, coordinatorWithdrawn, keyRegistered, keyRevoked, witnessRegistered,
            witnessRetired, witnessPolicySet:
            true
        default: false
        }
    }

    /// The stream of an organisation's membership, coordinator role and keys.
    public static func organisationStream(_ organisation: String) -> String {
        organisationStreamPrefix + organisation
    }

    /// Whether a stream belongs to the ledger itself.
    public static func isCoreStream(_ stream: String) -> Bool {
        stream == coalitionStream || stream.hasPrefix(organisationStreamPrefix)
    }

    /// Data of `CoalitionFounded`.
    public static func coalitionFoundedData(name: String, origin: String, checkpointKey: VerifierKey) -> [UInt8] {
        Array(
            "{\"name\":\(JSONText.quoted(name)),\"origin\":\(JSONText.quoted(origin)),\"checkpointKey\":\(JSONText.quoted(checkpointKey.description))}"
                .utf8)
    }

    /// Data of `OrganisationJoined`.
    public static func organisationJoinedData(organisation: String, name: String, kind: String? = nil) -> [UInt8] {
        var text = "{\"organisation\":\(JSONText.quoted(organisation)),\"name\":\(JSONText.quoted(name))"
        if let kind { text += ",\"kind\":\(JSONText.quoted(kind))" }
        return Array((text + "}").utf8)
    }

    /// Data of `KeyRegistered`.
    public static func keyRegisteredData(organisation: String, publicKey: Data) -> [UInt8] {
        Array(
            "{\"organisation\":\(JSONText.quoted(organisation)),\"key\":\"\(KeyID.of(publicKey))\",\"publicKey\":\"\(publicKey.base64EncodedString())\"}"
                .utf8)
    }

    /// Data of `KeyRevoked`.
    public static func keyRevokedData(organisation: String, keyID: String, reason: String) -> [UInt8] {
        Array("{\"organisation\":\(JSONText.quoted(organisation)),\"key\":\(JSONText.quoted(keyID)),\"reason\":\(JSONText.quoted(reason))}".utf8)
    }

    /// The additional statement of a validating witness (one that is also a replica), recorded
    /// with its registration as C2SP tlog-cosignature's "Additional statements" requires.
    public static let validatingWitnessStatement =
        "Every commit up to the cosigned size was pulled, verified and admitted under the coalition's rules by this witness's own replica."

    /// Data of `WitnessRegistered`: the witness's policy name, its cosigner key, and where it
    /// answers `add-checkpoint` (its submission prefix). `statement` is the additional statement
    /// a validating witness makes with its cosignatures.
    public static func witnessRegisteredData(
        organisation: String, witness: String, key: CosignerVerifierKey, url: String, statement: String? = nil
    ) -> [UInt8] {
        var text =
            "{\"organisation\":\(JSONText.quoted(organisation)),\"witness\":\(JSONText.quoted(witness)),\"key\":\(JSONText.quoted(key.description)),\"url\":\(JSONText.quoted(url))"
        if let statement { text += ",\"statement\":\(JSONText.quoted(statement))" }
        return Array((text + "}").utf8)
    }

    /// Data of `WitnessRetired`.
    public static func witnessRetiredData(organisation: String, witness: String, reason: String) -> [UInt8] {
        Array(
            "{\"organisation\":\(JSONText.quoted(organisation)),\"witness\":\(JSONText.quoted(witness)),\"reason\":\(JSONText.quoted(reason))}".utf8)
    }

    /// Data of `WitnessPolicySet`: the policy's `group` and `quorum` lines (tlog-policy syntax);
    /// the log and witness lines follow from the ledger's key and the registered witnesses.
    public static func witnessPolicySetData(quorum: String, reason: String) -> [UInt8] {
        Array("{\"policy\":\(JSONText.quoted(quorum)),\"reason\":\(JSONText.quoted(reason))}".utf8)
    }

    /// Data of `CoordinatorAppointed` and `CoordinatorWithdrawn`.
    public static func coordinatorData(organisation: String, reason: String) -> [UInt8] {
        Array("{\"organisation\":\(JSONText.quoted(organisation)),\"reason\":\(JSONText.quoted(reason))}".utf8)
    }
}

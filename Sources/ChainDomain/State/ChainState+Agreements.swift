// Agreements as the state keeps them: every version, its signatures, the active one and termination.

extension ChainState {
    /// A proposal or an amendment: a new version, not yet signed.
    mutating func applyAgreementTerms(_ terms: AgreementTerms) {
        var agreement = agreements[terms.agreement] ?? Agreement(versions: [:], signatures: [:], activeVersion: nil, terminated: nil)
        agreement.versions[terms.version] = terms
        agreement.signatures[terms.version] = []
        agreements[terms.agreement] = agreement
    }

    /// A signature; the version becomes active once every party has signed it (unless a later one is).
    mutating func applyAgreementSigned(_ signature: AgreementSigned) {
        guard var agreement = agreements[signature.agreement] else { return }
        agreement.signatures[signature.version, default: []].insert(signature.party)
        if let terms = agreement.versions[signature.version],
            Set(terms.parties).isSubset(of: agreement.signatures[signature.version] ?? []),
            signature.version > (agreement.activeVersion ?? 0)
        {
            agreement.activeVersion = signature.version
        }
        agreements[signature.agreement] = agreement
    }

    mutating func applyAgreementTerminated(_ termination: AgreementTerminated) {
        agreements[termination.agreement]?.terminated = termination
    }
}

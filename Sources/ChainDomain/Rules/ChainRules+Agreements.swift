import LedgerCore

// The rules of agreements: parties propose, amend, sign and decline them, for themselves; a party or a
// coordinator terminates them; the party that made a commitment fulfils it.

extension Check {
    /// `AgreementProposed`: version 1 of a new agreement.
    func validateAgreementProposed(_ terms: AgreementTerms) throws(LedgerError) {
        guard event.version == 1, terms.version == 1 else {
            throw rule("agreement ids are unique", "agreement \(terms.agreement) already exists; amend it instead")
        }
        try validateTerms(terms)
    }

    /// `AgreementAmended`: the next version, by a party.
    func validateAgreementAmended(_ terms: AgreementTerms) throws(LedgerError) {
        let agreement = try existingAgreement(terms.agreement)
        guard terms.version == agreement.latestVersion + 1 else {
            throw rule("amendments are numbered", "the next version of \(terms.agreement) is \(agreement.latestVersion + 1), not \(terms.version)")
        }
        guard agreement.versions[agreement.latestVersion]?.parties.contains(signer) == true else {
            throw refuse("only a party amends an agreement")
        }
        try requireText("reason", terms.reason ?? "", limit: 500)
        if let decision = terms.decision, state.decisions[decision] == nil {
            throw rule("decisions referred to exist", "decision \(decision) is not in the ledger")
        }
        try validateTerms(terms)
    }

    /// The agreement whose latest `version` the signer answers (signs or declines) for itself, as one
    /// of its parties.
    private func answerable(_ id: String, version: Int, party: String, signing: Bool) throws(LedgerError) -> ChainState.Agreement {
        let agreement = try existingAgreement(id)
        guard party == signer else {
            throw signing ? refuse("a party signs only for itself, not for \(party)") : refuse("a party declines only for itself, not for \(party)")
        }
        guard let terms = agreement.versions[version] else {
            throw rule("signatures name a version", "agreement \(id) has no version \(version)")
        }
        guard terms.parties.contains(signer) else {
            throw signing ? refuse("only parties sign agreement \(id)") : refuse("only parties decline agreement \(id)")
        }
        guard version == agreement.latestVersion else {
            throw rule("only the latest version is signed", "version \(version) was superseded by version \(agreement.latestVersion)")
        }
        return agreement
    }

    /// `AgreementSigned`: a party signs the latest version, once.
    func validateAgreementSigned(_ signature: AgreementSigned) throws(LedgerError) {
        let agreement = try answerable(signature.agreement, version: signature.version, party: signature.party, signing: true)
        guard agreement.signatures[signature.version]?.contains(signer) != true else {
            throw rule("a party signs once", "\(signer) already signed version \(signature.version)")
        }
        guard agreement.declines[signature.version]?[signer] == nil else {
            throw rule("a party signs or declines", "\(signer) declined version \(signature.version); an amendment asks again")
        }
    }

    /// `AgreementDeclined`: a party declines the latest version, for itself, once, with its reason, and
    /// not after signing it.
    func validateAgreementDeclined(_ decline: AgreementDeclined) throws(LedgerError) {
        let agreement = try answerable(decline.agreement, version: decline.version, party: decline.party, signing: false)
        guard agreement.signatures[decline.version]?.contains(signer) != true, agreement.declines[decline.version]?[signer] == nil else {
            throw rule("a party signs or declines", "\(signer) already answered version \(decline.version)")
        }
        try requireText("reason", decline.reason, limit: 500)
    }

    /// `AgreementTerminated`: a party or a coordinator ends an agreement.
    func validateAgreementTerminated(_ termination: AgreementTerminated) throws(LedgerError) {
        let agreement = try existingAgreement(termination.agreement)
        guard agreement.versions[agreement.latestVersion]?.parties.contains(signer) == true || isCoordinator else {
            throw refuse("only a party or a coordinator terminates an agreement")
        }
        try requireText("reason", termination.reason, limit: 500)
    }

    /// `CommitmentFulfilled`: the party that made a commitment of the version in force keeps it, once.
    func validateCommitmentFulfilled(_ fulfilment: CommitmentFulfilled) throws(LedgerError) {
        let agreement = try existingAgreement(fulfilment.agreement)
        guard let active = agreement.activeVersion, let terms = agreement.versions[active] else {
            throw rule("only an agreement in force is kept", "no version of agreement \(fulfilment.agreement) is signed by every party")
        }
        guard let commitment = terms.commitments?.first(where: { $0.commitment == fulfilment.commitment }) else {
            throw rule(
                "commitments belong to agreements",
                "version \(active) of agreement \(fulfilment.agreement) has no commitment \(fulfilment.commitment)")
        }
        guard commitment.party == signer else {
            throw refuse("only \(commitment.party), which made commitment \(commitment.commitment), fulfils it")
        }
        guard agreement.fulfilled[fulfilment.commitment] == nil else {
            throw rule("commitments are fulfilled once", "commitment \(fulfilment.commitment) is already fulfilled")
        }
        if let note = fulfilment.note { try requireText("note", note, limit: DomainIdentifiers.noteLimit) }
    }

    // MARK: - Helpers

    func existingAgreement(_ id: String) throws(LedgerError) -> ChainState.Agreement {
        guard let agreement = state.agreements[id] else { throw rule("agreements exist", "agreement \(id) does not exist") }
        guard agreement.terminated == nil else { throw rule("terminated agreements stay as they are", "agreement \(id) was terminated") }
        return agreement
    }

    /// What holds for every version of an agreement's terms: two or more member parties, the signer among
    /// them, periods that run forward, obligations and commitments within each party's chains, and
    /// commitments due while the agreement runs.
    func validateTerms(_ terms: AgreementTerms) throws(LedgerError) {
        try requireID("agreement", terms.agreement)
        try requireText("title", terms.title, limit: 200)
        try requireText("terms", terms.terms, limit: 4000)
        guard Set(terms.parties).count == terms.parties.count, terms.parties.count >= 2 else {
            throw rule("agreements bind two or more parties", "name at least two different parties")
        }
        for party in terms.parties { try requireOrganisation(party) }
        guard terms.parties.contains(signer) else { throw refuse("only a party proposes or amends an agreement") }
        guard terms.validFrom <= terms.validUntil else {
            throw rule("periods run forward", "valid from \(terms.validFrom) until \(terms.validUntil)")
        }
        for obligation in terms.obligations {
            guard terms.parties.contains(obligation.party) else {
                throw rule("obligations bind parties", "\(obligation.party) is not a party to \(terms.agreement)")
            }
            let kpi = try existingKpi(obligation.kpi)
            guard let chain = state.chains[kpi.definition.chain], chain.definition.partners.contains(obligation.party) else {
                throw rule(
                    "obligations stay within a party's chains",
                    "\(obligation.party) is not a partner of chain \(kpi.definition.chain), which KPI \(obligation.kpi) measures")
            }
            try requireGrain(obligation.from, of: kpi)
            try requireGrain(obligation.until, of: kpi)
            guard obligation.from <= obligation.until else {
                throw rule("periods run forward", "obligation from \(obligation.from) until \(obligation.until)")
            }
        }
        let commitments = terms.commitments ?? []
        guard Set(commitments.map(\.commitment)).count == commitments.count else {
            throw rule("commitment ids are unique", "each commitment of \(terms.agreement) needs an id of its own")
        }
        for commitment in commitments {
            try requireID("commitment", commitment.commitment)
            try requireText("text", commitment.text, limit: 500)
            guard terms.parties.contains(commitment.party) else {
                throw rule("commitments bind parties", "\(commitment.party) is not a party to \(terms.agreement)")
            }
            guard let chain = state.chains[commitment.chain], chain.definition.partners.contains(commitment.party) else {
                throw rule("commitments stay within a party's chains", "\(commitment.party) is not a partner of chain \(commitment.chain)")
            }
            guard terms.validFrom <= commitment.due, commitment.due <= terms.validUntil else {
                throw rule(
                    "commitments fall due while the agreement runs",
                    "commitment \(commitment.commitment) is due \(commitment.due), outside \(terms.validFrom) – \(terms.validUntil)")
            }
        }
    }
}

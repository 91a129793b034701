import LedgerCore

// The rules of agreements: parties propose, amend and sign them, for themselves; a party or a coordinator
// terminates them.

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
        try validateTerms(terms)
    }

    /// `AgreementSigned`: a party signs the latest version, once.
    func validateAgreementSigned(_ signature: AgreementSigned) throws(LedgerError) {
        let agreement = try existingAgreement(signature.agreement)
        guard signature.party == signer else { throw refuse("a party signs only for itself, not for \(signature.party)") }
        guard let terms = agreement.versions[signature.version] else {
            throw rule("signatures name a version", "agreement \(signature.agreement) has no version \(signature.version)")
        }
        guard terms.parties.contains(signer) else { throw refuse("only parties sign agreement \(signature.agreement)") }
        guard signature.version == agreement.latestVersion else {
            throw rule("only the latest version is signed", "version \(signature.version) was superseded by version \(agreement.latestVersion)")
        }
        guard agreement.signatures[signature.version]?.contains(signer) != true else {
            throw rule("a party signs once", "\(signer) already signed version \(signature.version)")
        }
    }

    /// `AgreementTerminated`: a party or a coordinator ends an agreement.
    func validateAgreementTerminated(_ termination: AgreementTerminated) throws(LedgerError) {
        let agreement = try existingAgreement(termination.agreement)
        guard agreement.versions[agreement.latestVersion]?.parties.contains(signer) == true || isCoordinator else {
            throw refuse("only a party or a coordinator terminates an agreement")
        }
        try requireText("reason", termination.reason, limit: 500)
    }

    // MARK: - Helpers

    func existingAgreement(_ id: String) throws(LedgerError) -> ChainState.Agreement {
        guard let agreement = state.agreements[id] else { throw rule("agreements exist", "agreement \(id) does not exist") }
        guard agreement.terminated == nil else { throw rule("terminated agreements stay as they are", "agreement \(id) was terminated") }
        return agreement
    }

    /// What holds for every version of an agreement's terms: two or more member parties, the signer among
    /// them, periods that run forward, obligations within each party's chains.
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
    }
}

import ArgumentParser
import ChainDomain
import Foundation
import LedgerCore

struct AssignOwnerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assign-owner",
        abstract: "Assign (or transfer) a chain's owner: a management-team member of a partner organisation.",
        discussion: "Only coordinators assign chain owners. The reason, and the decision it carries out, stay in the ledger.")

    @OptionGroup var target: TargetOptions

    @Option(help: ArgumentHelp("The chain id.", valueName: "CHAIN")) var chain: String
    @Option(name: .customLong("owner-org"), help: ArgumentHelp("The new owner's organisation.", valueName: "ORG")) var ownerOrg: String
    @Option(help: ArgumentHelp("The new owner's person id.", valueName: "PERSON")) var person: String
    @Option(help: ArgumentHelp("Why ownership changes.", valueName: "TEXT")) var reason: String
    @Option(help: ArgumentHelp("The decision this carries out.", valueName: "DECISION")) var decision: String?

    func run() async throws {
        let writer = try await CommitWriter(target)
        try await writer.commit([
            .chainOwnerAssigned(
                ChainOwnerAssigned(
                    chain: chain, owner: PersonRef(organisation: ownerOrg, person: person), reason: reason, decision: decision))
        ])
    }
}

struct AgreementCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agreement",
        abstract: "Propose, sign, decline, amend and terminate agreements between partner organisations; fulfil their commitments.",
        discussion: """
            An agreement is active once every party has signed it with its own key; an amendment is a new \
            version that every party signs again (until then the previous version stays in force). A party \
            that will not sign declines the version with its reason; an amendment asks it again. A commitment             (a promise without a KPI, due by a day) is kept when the party that made it records it fulfilled.
            """,
        subcommands: [Propose.self, Sign.self, Decline.self, Amend.self, Terminate.self, Fulfil.self])

    /// An agreement file: `AgreementTerms` without the version (it is given by the ledger).
    struct TermsFile: Decodable {
        let agreement: String
        let title: String
        let terms: String
        let parties: [String]
        let obligations: [Obligation]
        let commitments: [Commitment]?
        let validFrom: CalendarDate
        let validUntil: CalendarDate
        let reason: String?
        let decision: String?

        func terms(version: Int, reason: String?, decision: String? = nil) -> AgreementTerms {
            AgreementTerms(
                agreement: agreement, version: version, title: title, terms: terms, parties: parties,
                obligations: obligations, validFrom: validFrom, validUntil: validUntil, reason: reason, decision: decision,
                commitments: commitments?.isEmpty == false ? commitments : nil)
        }
    }

    struct Propose: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Propose an agreement (you must be a party); it also records your own signature.",
            discussion: """
                FILE is JSON: {"agreement", "title", "terms", "parties": [ORG…], "obligations": [{"party", "kpi", \
                "target", "from", "until"}], "validFrom": "YYYY-MM-DD", "validUntil": "YYYY-MM-DD"}, and optionally                 "commitments": [{"commitment", "party", "chain", "text", "due": "YYYY-MM-DD"}]: promises without a KPI.
                """)
        @OptionGroup var target: TargetOptions
        @Argument(help: ArgumentHelp("The agreement as JSON.", valueName: "FILE.json")) var file: String

        func run() async throws {
            let terms = try InputFile.json(file, as: TermsFile.self).terms(version: 1, reason: nil)
            let writer = try await CommitWriter(target)
            try await writer.commit([
                .agreementProposed(terms),
                .agreementSigned(AgreementSigned(agreement: terms.agreement, version: 1, party: target.org)),
            ])
        }
    }

    struct Sign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Sign the latest version of an agreement for your organisation.")
        @OptionGroup var target: TargetOptions
        @Option(help: ArgumentHelp("The agreement id.", valueName: "AGREEMENT")) var agreement: String

        func run() async throws {
            let writer = try await CommitWriter(target)
            guard let version = try await writer.target.agreementVersion(agreement) else {
                throw CLIError("there is no agreement \(agreement)")
            }
            try await writer.commit([.agreementSigned(AgreementSigned(agreement: agreement, version: version, party: target.org))])
        }
    }

    struct Decline: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decline the latest version of an agreement for your organisation, with your reason.")
        @OptionGroup var target: TargetOptions
        @Option(help: ArgumentHelp("The agreement id.", valueName: "AGREEMENT")) var agreement: String
        @Option(help: ArgumentHelp("Why your organisation will not sign (up to 500 characters).", valueName: "TEXT")) var reason: String

        func run() async throws {
            let writer = try await CommitWriter(target)
            guard let version = try await writer.target.agreementVersion(agreement) else {
                throw CLIError("there is no agreement \(agreement)")
            }
            try await writer.commit([
                .agreementDeclined(AgreementDeclined(agreement: agreement, version: version, party: target.org, reason: reason))
            ])
        }
    }

    struct Amend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Amend an agreement: a new version that every party signs again (yours is included).",
            discussion: """
                FILE holds the whole new text in the format of `agreement propose`, plus "reason" (or give --reason) \
                and optionally "decision" (or give --decision): the decision of a dialogue that led to it.
                """)
        @OptionGroup var target: TargetOptions
        @Option(help: ArgumentHelp("Why the agreement changes.", valueName: "TEXT")) var reason: String?
        @Option(help: ArgumentHelp("The decision that led to the amendment.", valueName: "DECISION")) var decision: String?
        @Argument(help: ArgumentHelp("The amended agreement as JSON.", valueName: "FILE.json")) var file: String

        func run() async throws {
            let input = try InputFile.json(file, as: TermsFile.self)
            guard let reason = reason ?? input.reason else { throw CLIError("an amendment needs a reason: --reason or \"reason\" in \(file)") }
            let writer = try await CommitWriter(target)
            guard let version = try await writer.target.agreementVersion(input.agreement) else {
                throw CLIError("there is no agreement \(input.agreement) to amend; propose it first")
            }
            let terms = input.terms(version: version + 1, reason: reason, decision: decision ?? input.decision)
            try await writer.commit([
                .agreementAmended(terms),
                .agreementSigned(AgreementSigned(agreement: terms.agreement, version: terms.version, party: target.org)),
            ])
        }
    }

    struct Fulfil: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record that your organisation kept one of its commitments in an agreement in force.")
        @OptionGroup var target: TargetOptions
        @Option(help: ArgumentHelp("The agreement id.", valueName: "AGREEMENT")) var agreement: String
        @Option(help: ArgumentHelp("The commitment's id in the agreement.", valueName: "COMMITMENT")) var commitment: String
        @Option(help: ArgumentHelp("The day it was kept (default: today).", valueName: "YYYY-MM-DD")) var on: CalendarDate?
        @Option(help: ArgumentHelp("How it was kept (up to 280 characters).", valueName: "TEXT")) var note: String?

        func run() async throws {
            let writer = try await CommitWriter(target)
            try await writer.commit([
                .commitmentFulfilled(
                    CommitmentFulfilled(agreement: agreement, commitment: commitment, fulfilledOn: on ?? CalendarDate.today, note: note))
            ])
        }
    }

    struct Terminate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Terminate an agreement (it stays in the ledger's history).")
        @OptionGroup var target: TargetOptions
        @Option(help: ArgumentHelp("The agreement id.", valueName: "AGREEMENT")) var agreement: String
        @Option(help: ArgumentHelp("Why it ends.", valueName: "TEXT")) var reason: String
        @Option(help: ArgumentHelp("The day it ends (default: today).", valueName: "YYYY-MM-DD")) var effective: CalendarDate?

        func run() async throws {
            let writer = try await CommitWriter(target)
            try await writer.commit([
                .agreementTerminated(
                    AgreementTerminated(
                        agreement: agreement, reason: reason, effective: effective ?? CalendarDate.today))
            ])
        }
    }
}

struct DialogueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dialogue",
        abstract: "Prepare performance dialogues, record them with their decisions and actions, and complete actions.",
        subcommands: [Prepare.self, Record.self, Complete.self])

    /// A dialogue file: `DialogueHeld`, the reviewed position optional (default: the ledger as it is now).
    struct DialogueFile: Decodable {
        let dialogue: String
        let chain: String?
        let level: SteeringLevel?
        let department: String?
        let date: CalendarDate
        let participants: [PersonRef]
        let reviewedPosition: UInt64?
        let decisions: [Decision]?
        let actions: [Action]?
        let preparation: String?
    }

    struct Prepare: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign a dialogue's agenda before it is held (by the chain owner's organisation).",
            discussion: """
                FILE is JSON: {"preparation" (an id; the dialogue held cites it), "chain", "plannedOn": "YYYY-MM-DD", \
                "agenda": [{"item": "what to discuss", "kpis": [KPI…], "agreements": [AGREEMENT…], "actions": [ACTION…]}], \
                "invited": [ORGANISATION…]}.
                """)
        @OptionGroup var target: TargetOptions
        @Argument(help: ArgumentHelp("The preparation as JSON.", valueName: "FILE.json")) var file: String

        /// The file: the event's data, where an item's lists may be left out.
        struct PreparationFile: Decodable {
            struct Item: Decodable {
                let item: String
                let kpis: [String]?
                let agreements: [String]?
                let actions: [String]?
            }
            let preparation: String
            let chain: String
            let plannedOn: CalendarDate
            let agenda: [Item]
            let invited: [String]
        }

        func run() async throws {
            let input = try InputFile.json(file, as: PreparationFile.self)
            let writer = try await CommitWriter(target)
            let agenda = input.agenda.map {
                AgendaItem(item: $0.item, kpis: $0.kpis ?? [], agreements: $0.agreements ?? [], actions: $0.actions ?? [])
            }
            try await writer.commit([
                .dialoguePrepared(
                    DialoguePrepared(
                        preparation: input.preparation, chain: input.chain, plannedOn: input.plannedOn, agenda: agenda, invited: input.invited))
            ])
        }
    }

    struct Record: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a performance dialogue at one of the three steering levels.",
            discussion: """
                FILE is JSON: {"dialogue", "level" (optional: "chain", the default, recorded by the chain owner's \
                organisation or a coordinator; "department", by the partner whose department met, or a coordinator; \
                "strategic", on the coalition's goals, by a coordinator), "chain" (not at the strategic level), \
                "department" (the partner organisation, at the department level only), "date", "participants": \
                [{"organisation", "person"}], \
                "reviewedPosition" (optional: the ledger size the dialogue looked at; default now), "decisions": \
                [{"decision", "text", "rationale", "decidedBy": {…}, "evidence": {"positions": [P…], "kpis": [KPI…]}}], \
                "actions": [{"action", "text", "owner": {…}, "due": "YYYY-MM-DD"}], "preparation" (optional: the \
                `dialogue prepare` it follows)}.
                """)
        @OptionGroup var target: TargetOptions
        @Argument(help: ArgumentHelp("The dialogue as JSON.", valueName: "FILE.json")) var file: String

        func run() async throws {
            let input = try InputFile.json(file, as: DialogueFile.self)
            let writer = try await CommitWriter(target)
            let size = try await writer.target.size()
            try await writer.commit([
                .dialogueHeld(
                    DialogueHeld(
                        dialogue: input.dialogue, chain: input.chain, level: input.level ?? .chain, department: input.department,
                        date: input.date, participants: input.participants,
                        reviewedPosition: input.reviewedPosition ?? size, decisions: input.decisions ?? [], actions: input.actions ?? [],
                        preparation: input.preparation))
            ])
        }
    }

    struct Complete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mark an action of a dialogue as done.")
        @OptionGroup var target: TargetOptions
        @Option(help: ArgumentHelp("The dialogue id.", valueName: "DIALOGUE")) var dialogue: String
        @Option(help: ArgumentHelp("The action id.", valueName: "ACTION")) var action: String
        @Option(help: ArgumentHelp("The day it was done (default: today).", valueName: "YYYY-MM-DD")) var on: CalendarDate?
        @Option(help: ArgumentHelp("A short note.", valueName: "T")) var note: String?

        func run() async throws {
            let writer = try await CommitWriter(target)
            try await writer.commit([
                .actionCompleted(
                    ActionCompleted(
                        dialogue: dialogue, action: action, completedOn: on ?? CalendarDate.today, note: note))
            ])
        }
    }
}

import ChainPresentation
import ChainProjections
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import ChainServer

/// The dashboard in Dutch and in English: every page of the sample in both, no message missing,
/// the language chosen from the browser or the switch and remembered, and every table as CSV.
struct DashboardLanguageTests {
    /// Every page of the housing-first sample: the overview, each chain, each KPI, each decision's
    /// audit and the other pages.
    static func everyPage(_ fixture: ServerFixture) async throws -> [String] {
        let models = try await Self.readModels(fixture)
        let trees = try await models.kpiTrees()
        let decisions = try await models.dialogues().chains.flatMap(\.decisions)
        return ["/", "/responsibilities", "/agreements", "/decisions", "/?as_of=2025-06-30", "/chains/street-to-home?as_of=2025-10-31"]
            + trees.map { "/chains/\($0.chain)" } + trees.map { "/chains/\($0.chain)/brief" } + ["/chains/street-to-home/brief?as_of=2026-03-14"]
            + trees.flatMap(\.kpis).map { "/kpis/\($0.kpi)" }
            + decisions.map { "/audit/\($0.decision)" }
    }

    @Test(arguments: Language.allCases)
    func everyPageHasEveryMessage(in language: Language) async throws {
        let fixture = try await ServerFixture.make()
        var asked = ServerFixture.bearer(fixture.coordinator)
        asked[.acceptLanguage] = language.rawValue
        let headers = asked
        let pages = try await Self.everyPage(fixture)
        #expect(pages.count >= 20)
        try await fixture.app.test(.router) { client in
            for uri in pages {
                let page = try await client.execute(uri: uri, method: .get, headers: headers)
                #expect(page.status == .ok, "\(uri)")
                // With DASHBOARD_DUMP=FOLDER the pages are kept there, to be looked at or photographed.
                if let dump = ProcessInfo.processInfo.environment["DASHBOARD_DUMP"] {
                    try page.text.write(
                        toFile: dump + "/" + language.rawValue + uri.replacingOccurrences(of: "/", with: "_") + ".html", atomically: true,
                        encoding: .utf8)
                }
                #expect(page.text.contains("<html lang=\"\(language.rawValue)\">"), "\(uri)")
                #expect(!page.text.contains("⟦"), "\(uri) in \(language): \(Self.missing(page.text))")
            }
            var anonymous: HTTPFields = [:]
            anonymous[.acceptLanguage] = language.rawValue
            let login = try await client.execute(uri: "/login", method: .get, headers: anonymous)
            #expect(login.text.contains("<html lang=\"\(language.rawValue)\">") && !login.text.contains("⟦"))
        }
    }

    /// Dutch first, in the method's own words; English beside it.
    @Test func dutchUsesTheMethodsWords() async throws {
        let fixture = try await ServerFixture.make()
        let headers = ServerFixture.bearer(fixture.coordinator)
        try await fixture.app.test(.router) { client in
            let overview = try await client.execute(uri: "/", method: .get, headers: headers)
            for text in ["<h1>Overzicht van de coalitie</h1>", "Klantketens", "KPI-boom", "Gezondheid van de werkwijze", "groen", "Organisaties"] {
                #expect(overview.text.contains(text), "the overview says \(text)")
            }
            let chain = try await client.execute(uri: "/chains/street-to-home", method: .get, headers: headers)
            for text in ["Klantbehoefte", "Stappen en overdrachten", "proces-KPI", "gaat over naar", "klant ziet deze stap"] {
                #expect(chain.text.contains(text), "the chain page says \(text)")
            }
            let kpi = try await client.execute(uri: "/kpis/intake-14d", method: .get, headers: headers)
            #expect(kpi.text.contains(" %</td>") || kpi.text.contains(","), "values with a decimal comma or a unit")
            #expect(
                kpi.text.range(
                    of: #"(januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december) 20[0-9]{2}"#,
                    options: .regularExpression) != nil)
            let decisions = try await client.execute(uri: "/decisions", method: .get, headers: headers)
            #expect(decisions.text.contains("maandelijkse prestatiegesprekken") && decisions.text.contains("Actiepunten"))
            var english = headers
            english[.acceptLanguage] = "en-GB,en;q=0.9"
            let inEnglish = try await client.execute(uri: "/", method: .get, headers: english)
            #expect(inEnglish.text.contains("<h1>Coalition overview</h1>") && inEnglish.text.contains("on target"))
        }
    }

    /// The switch on every page links to the same page in the other language; choosing keeps the
    /// choice in a cookie, which then outweighs the browser's header.
    @Test func theLanguageSwitchIsRemembered() async throws {
        let fixture = try await ServerFixture.make()
        let headers = ServerFixture.bearer(fixture.coordinator)
        try await fixture.app.test(.router) { client in
            let dutch = try await client.execute(uri: "/agreements?as_of=100", method: .get, headers: headers)
            #expect(dutch.text.contains("href=\"/agreements?as_of=100&amp;lang=en\""), "the switch keeps the page and its moment")
            let switched = try await client.execute(uri: "/agreements?as_of=100&lang=en", method: .get, headers: headers)
            #expect(switched.text.contains("<html lang=\"en\">"))
            let cookie = try #require(switched.headers[.setCookie])
            #expect(cookie.hasPrefix("chainledger_lang=en") && cookie.contains("Max-Age="))
            var kept = headers
            kept[.cookie] = String(cookie.split(separator: ";")[0])
            kept[.acceptLanguage] = "nl"
            let later = try await client.execute(uri: "/decisions", method: .get, headers: kept)
            #expect(later.text.contains("<html lang=\"en\">") && later.headers[.setCookie] == nil)
            let unknown = try await client.execute(uri: "/?lang=xx", method: .get, headers: headers)
            #expect(unknown.text.contains("<html lang=\"nl\">") && unknown.headers[.setCookie] == nil)
        }
    }

    /// Every table of a page downloads as RFC 4180 CSV and as CSV for Dutch spreadsheets; the
    /// numbers are the read model's, the header the same English names in both.
    @Test func everyTableDownloadsInBothDialects() async throws {
        let fixture = try await ServerFixture.make()
        let headers = ServerFixture.bearer(fixture.coordinator)
        let models = try await Self.readModels(fixture)
        let tree = try await models.kpiTree(chain: "street-to-home")
        try await fixture.app.test(.router) { client in
            let page = try await client.execute(uri: "/chains/street-to-home", method: .get, headers: headers)
            #expect(page.text.contains("href=\"/chains/street-to-home?table=kpis&amp;format=csv-nl\""))
            let plain = try await client.execute(uri: "/chains/street-to-home?table=kpis&format=csv", method: .get, headers: headers)
            #expect(plain.status == .ok && plain.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(plain.headers[.contentDisposition] == "attachment; filename=\"chain-street-to-home-kpis.csv\"")
            #expect(plain.text == ReportTables.kpis([tree]).csv(.rfc4180))
            #expect(plain.text.hasPrefix("chain,level,kpi,name,"))
            let dutch = try await client.execute(uri: "/chains/street-to-home?table=kpis&format=csv-nl", method: .get, headers: headers)
            #expect(Array(dutch.body.readableBytesView.prefix(3)) == [0xEF, 0xBB, 0xBF])
            #expect(dutch.text == ReportTables.kpis([tree]).csv(.dutchSpreadsheet))
            let withValue = try #require(tree.kpis.first { ($0.value ?? 0).rounded() != $0.value })
            #expect(dutch.text.contains(ReportTable.plainDecimal(withValue.value!, comma: true)))
            let noTable = try await client.execute(uri: "/chains/street-to-home?table=nope&format=csv", method: .get, headers: headers)
            #expect(noTable.status == .notFound && noTable.errorCode == "no-such-table")
            let badFormat = try await client.execute(uri: "/chains/street-to-home?table=kpis&format=xlsx", method: .get, headers: headers)
            #expect(badFormat.status == .badRequest && badFormat.errorCode == "bad-format")
            for (uri, tables) in [
                ("/", ["chains", "warnings", "organisations"]), ("/kpis/intake-14d", ["measurements", "periods"]),
                ("/responsibilities", ["owners", "kpi_owners", "members"]), ("/agreements", ["agreements", "obligations", "obligation_periods"]),
                ("/decisions", ["dialogues", "decisions", "actions"]), ("/audit/hf-2025-10-extra-homes", ["kpis"]),
                (
                    "/chains/street-to-home/brief?as_of=2026-03-14",
                    [
                        "status_changes", "attention", "corrections", "late", "actions", "missed_obligations", "warnings", "participants",
                        "next_agenda",
                    ]
                ),
            ] {
                for table in tables {
                    let answer = try await client.execute(
                        uri: uri + (uri.contains("?") ? "&" : "?") + "table=\(table)&format=csv", method: .get, headers: headers)
                    #expect(answer.status == .ok && answer.text.hasSuffix("\r\n"), "\(uri) \(table)")
                }
            }
        }
    }

    /// The picker offers now, the dialogues' days and the month ends, and steps back a month.
    @Test func thePickerOffersDialoguesAndMonthEnds() async throws {
        let fixture = try await ServerFixture.make()
        let headers = ServerFixture.bearer(fixture.coordinator)
        try await fixture.app.test(.router) { client in
            let page = try await client.execute(uri: "/?as_of=2025-10-31", method: .get, headers: headers)
            #expect(page.text.contains("<option value=\"2025-10-31\" selected>31 oktober 2025 — einde van de maand</option>"))
            #expect(page.text.contains("— prestatiegesprek "))
            #expect(page.text.contains("href=\"/?as_of=2025-09-30\" rel=\"prev\">← 30 september 2025</a>"))
            #expect(page.text.contains("href=\"/?as_of=2025-11-30\" rel=\"next\">30 november 2025 →</a>"))
        }
    }

    static func readModels(_ fixture: ServerFixture) async throws -> ReadModels {
        _ = try await fixture.service.projector.catchUp()
        return fixture.service.readModels
    }

    static func missing(_ html: String) -> [String] {
        var keys: [String] = []
        var rest = Substring(html)
        while let open = rest.range(of: "⟦"), let close = rest[open.upperBound...].range(of: "⟧") {
            keys.append(String(rest[open.upperBound..<close.lowerBound]))
            rest = rest[close.upperBound...]
        }
        return keys
    }
}

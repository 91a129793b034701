import ChainDomain
import ChainPresentation
import ChainProjections
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LedgerSQLite
import NIOCore
import Testing

@testable import ChainServer

struct DashboardTests {
    @Test func withoutATokenTheDashboardAsksToSignIn() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.app.test(.router) { client in
            let page = try await client.execute(uri: "/", method: .get, headers: ServerFixture.english())
            #expect(page.status == .unauthorized && page.text.contains("<form method=\"post\" action=\"/login\">"))
            #expect(page.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
            #expect(!page.text.contains("Gemeente Heuvelstad"), "nothing of the ledger shows before signing in")
            let unknown = try await client.execute(
                uri: "/login", method: .post, headers: ServerFixture.english([.contentType: "application/x-www-form-urlencoded"]),
                body: ByteBuffer(string: "token=clt_nope_nope"))
            #expect(unknown.status == .unauthorized && unknown.text.contains("unknown, expired or revoked"))
            // A body that is not a form is answered with the sign-in page, and the server goes on.
            for broken in ["token=%zz", "token=%", "%%%", "token"] {
                let answer = try await client.execute(
                    uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: broken))
                #expect(answer.status == .unauthorized && answer.headers[.setCookie] == nil, "\(broken)")
            }
            // A token in the address is never taken: it would stay in the browser's history.
            let inAddress = try await client.execute(uri: "/login?token=\(fixture.coordinator)", method: .get, headers: ServerFixture.english())
            #expect(inAddress.status == .unauthorized && inAddress.headers[.setCookie] == nil && inAddress.text.contains("not accepted"))
        }
    }

    /// The sign-in form posts the token; a one-time link signs in once, within five minutes;
    /// either keeps the token in an HttpOnly cookie that then opens the pages.
    @Test func signingInSetsACookieThatOpensThePages() async throws {
        let fixture = try await ServerFixture.make()
        let form: HTTPFields = ServerFixture.english([.contentType: "application/x-www-form-urlencoded"])
        try await fixture.app.test(.router) { client in
            let login = try await client.execute(
                uri: "/login", method: .post, headers: form, body: ByteBuffer(string: "token=\(fixture.coordinator)&next=%2Fkpis%2Fintake-14d"))
            #expect(login.status == .seeOther && login.headers[.location] == "/kpis/intake-14d")
            #expect(login.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
            let cookie = try #require(login.headers[.setCookie])
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
            let value = try #require(cookie.split(separator: ";").first)
            let overview = try await client.execute(uri: "/", method: .get, headers: [.cookie: String(value)])
            #expect(overview.status == .ok && overview.text.contains("Gemeente Heuvelstad"))
            for elsewhere in ["//evil.example/", "https://evil.example/", "/\\evil.example"] {
                let refused = try await client.execute(
                    uri: "/login", method: .post, headers: form,
                    body: ByteBuffer(string: "token=\(fixture.coordinator)&next=\(HTMLQuery.encode(elsewhere))"))
                #expect(refused.headers[.location] == "/", "never redirects to \(elsewhere)")
            }

            // A one-time link, asked for with the token as a bearer header.
            let asked = try await client.execute(uri: "/api/login-links", method: .post, headers: ServerFixture.bearer(fixture.auditor))
            #expect(asked.status == .created)
            let link = try #require(try asked.json()["link"] as? String)
            #expect(link.hasPrefix("/login?code=cll_") && !link.contains(fixture.auditor))
            let first = try await client.execute(uri: link + "&next=/decisions", method: .get)
            #expect(first.status == .seeOther && first.headers[.location] == "/decisions")
            let kept = try #require(first.headers[.setCookie]?.split(separator: ";").first)
            #expect(kept == "chainledger_token=\(fixture.auditor)")
            let again = try await client.execute(uri: link, method: .get, headers: ServerFixture.english())
            #expect(again.status == .unauthorized && again.headers[.setCookie] == nil && again.text.contains("used already or has expired"))
            let forged = try await client.execute(uri: "/login?code=cll_forged", method: .get)
            #expect(forged.status == .unauthorized && forged.headers[.setCookie] == nil)
            let anonymous = try await client.execute(uri: "/api/login-links", method: .post)
            #expect(anonymous.status == .unauthorized)
        }
    }

    /// A login code works once and only within its five minutes, and only while its token is valid.
    @Test func loginCodesExpireAndDieWithTheirToken() async throws {
        let tokens = AccessTokens(store: try SQLiteAccessTokenStore.inMemory())
        let secret = try await tokens.issue(organisation: "o", person: "p", role: .member, validFor: 1)
        let now = Date()
        let late = try #require(try await tokens.loginCode(for: secret, now: now))
        #expect(try await tokens.redeem(loginCode: late, now: now.addingTimeInterval(AccessTokens.loginCodeLifetime + 1)) == nil)
        let revoked = try #require(try await tokens.loginCode(for: secret, now: now))
        let id = String(secret.dropFirst(4).prefix { $0 != "_" })
        #expect(try await tokens.revoke(id: id))
        #expect(try await tokens.redeem(loginCode: revoked) == nil)
        #expect(try await tokens.loginCode(for: secret) == nil, "no code for a revoked token")
        #expect(try await tokens.loginCode(for: "clt_nope_nope") == nil)
    }

    /// Each page shows what a coordinator looks for, in HTML that needs no script.
    @Test func everyPageShowsItsContent() async throws {
        let fixture = try await ServerFixture.make()
        let headers = ServerFixture.english(ServerFixture.bearer(fixture.coordinator))
        let pages: [(String, [String])] = [
            (
                "/",
                [
                    "<h1>Coalition overview</h1>", "Van de straat naar een duurzaam thuis", "<title id=\"tree-street-to-home-title\">KPI tree of ",
                    "Method health", "Woonstichting Hoeksteen",
                ]
            ),
            ("/chains/street-to-home", ["Mediaan aantal dagen van intake tot eigen woning", ">trend</th>", "href=\"/kpis/median-days-to-home\""]),
            ("/kpis/intake-14d", ["aria-labelledby=\"trend-title\"", "Every value, corrections included", "stroke-dasharray"]),
            ("/responsibilities", ["Responsibilities over time", ">owner</th>", "Members and roles"]),
            ("/agreements", ["<h1>Agreements</h1>", "State: <strong>"]),
            ("/decisions", ["Dialogues and decisions", "dialogues; last held"]),
            (
                "/audit/hf-2025-10-extra-homes",
                [
                    "Decision audit: hf-2025-10-extra-homes", "Corrections since the decision", "Signed by the chain owner at position ",
                    "Aanbod van woningen in het derde kwartaal", "Reds not discussed",
                ]
            ),
            (
                "/chains/street-to-home/brief?as_of=2026-03-14",
                [
                    "Brief for the performance dialogue: street-to-home", "Previous dialogue: hf-dialogue-2026-01", "Who should be at the table",
                    "href=\"/kpis/median-days-to-home?as_of=2026-03-14\">Mediaan aantal dagen van intake tot eigen woning</a>",
                ]
            ),
        ]
        try await fixture.app.test(.router) { client in
            for (uri, expected) in pages {
                let page = try await client.execute(uri: uri, method: .get, headers: headers)
                #expect(page.status == .ok, "\(uri)")
                #expect(page.headers[.contentType] == "text/html; charset=utf-8")
                #expect(page.text.contains("name=\"as_of\""), "\(uri) has the position/date picker")
                #expect(!page.text.contains("<script"), "\(uri) needs no script")
                let policy = page.headers[.contentSecurityPolicy] ?? ""
                #expect(
                    policy.contains("default-src 'none'") && policy.contains("frame-ancestors 'none'") && !policy.contains("script-src"), "\(uri)")
                #expect(page.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer" && page.headers[.xContentTypeOptions] == "nosniff")
                for text in expected {
                    #expect(page.text.contains(text), "\(uri) shows \(text)")
                }
            }
        }
    }

    /// The chain's page lists its customer and internal values with the KPIs that measure them (or
    /// none), and under the tree each link with its hypothesis and lag; before the owner set them,
    /// neither shows. In Dutch, in the method's words.
    @Test func theChainPageShowsValuesAndTheLinksHypotheses() async throws {
        let fixture = try await ServerFixture.make()
        let english = ServerFixture.english(ServerFixture.bearer(fixture.coordinator))
        var asked = ServerFixture.bearer(fixture.coordinator)
        asked[.acceptLanguage] = "nl"
        let dutch = asked
        try await fixture.app.test(.router) { client in
            let page = try await client.execute(uri: "/chains/street-to-home", method: .get, headers: english).text
            for expected in [
                "<h2>Customer values</h2>", "<td>customer value</td><td class=\"text\">Snel van de straat naar een eigen huis</td>",
                "<td>internal value</td><td class=\"text\">Zorg en geld doelmatig ingezet</td>\n<td class=\"text\">no chain KPI</td>",
                "Cause and effect: each link of the tree", "Elke aangeboden woning verkort de wachtrij in de opvang.</td><td class=\"number\">1</td>",
            ] {
                #expect(page.contains(expected), "\(expected)")
            }
            let measuredBy = try #require(page.range(of: "Snel van de straat naar een eigen huis</td>"))
            #expect(page[measuredBy.upperBound...].prefix(200).contains("href=\"/kpis/median-days-to-home\""))

            let before = try await client.execute(uri: "/chains/street-to-home?as_of=2026-03-14", method: .get, headers: english).text
            #expect(!before.contains("<h2>Customer values</h2>") && before.contains("Cause and effect"))
            #expect(!before.contains("Elke aangeboden woning"), "the hypotheses came later")

            let nederlands = try await client.execute(uri: "/chains/street-to-home", method: .get, headers: dutch).text
            for expected in ["<h2>Klantwaarden</h2>", "<td>klantwaarde</td>", "<td>interne waarde</td>", "Oorzaak en gevolg", ">hypothese</th>"] {
                #expect(nederlands.contains(expected), "\(expected)")
            }
        }
    }

    /// The KPI tree's nodes lie side by side without overlapping, inside the drawing, however
    /// many a row holds (the housing-first chain has six process KPIs in one row).
    @Test func kpiTreeNodesDoNotOverlap() async throws {
        let fixture = try await ServerFixture.make()
        let trees = try await DashboardLanguageTests.readModels(fixture).kpiTrees()
        #expect(trees.contains { tree in tree.kpis.count { $0.level == .process } >= 6 }, "a row of six")
        for tree in trees {
            let drawing = KpiTreeDrawing(tree, format: LocalFormat(.shipped(.dutch))) { "/kpis/\($0)" }
            let width = try #require(Double(drawing.width))
            for (_, row) in Dictionary(grouping: drawing.nodes, by: \.y) {
                let spans = row.map { (Double($0.x)!, Double($0.x)! + Double($0.width)!) }.sorted { $0.0 < $1.0 }
                #expect(spans.first!.0 >= 0 && spans.last!.1 <= width, "\(tree.chain): inside the drawing")
                for (left, right) in zip(spans, spans.dropFirst()) {
                    #expect(left.1 < right.0, "\(tree.chain): a node ending at \(left.1) overlaps the next at \(right.0)")
                }
            }
        }
    }

    /// The picker shows the whole dashboard as of a position, and keeps it in every link.
    @Test func thePickerShowsTheDashboardAsOfAMoment() async throws {
        let fixture = try await ServerFixture.make()
        let headers = ServerFixture.english(ServerFixture.bearer(fixture.coordinator))
        try await fixture.app.test(.router) { client in
            let early = try await client.execute(uri: "/?as_of=20", method: .get, headers: headers)
            #expect(early.text.contains("Showing the ledger at position 20"))
            #expect(early.text.contains("href=\"/responsibilities?as_of=20\""))
            #expect(!early.text.contains("Van de straat naar een duurzaam thuis"), "the chain did not exist at position 20")
            let now = try await client.execute(uri: "/", method: .get, headers: headers)
            #expect(now.text.contains("Van de straat naar een duurzaam thuis"))
            // The ledger records when it appended each commit: today, in this test.
            let today = ISO8601DateFormatter.string(from: Date(), timeZone: .gmt, formatOptions: [.withFullDate])
            let chain = try await client.execute(uri: "/chains/street-to-home?as_of=\(today)", method: .get, headers: headers)
            #expect(chain.text.contains("href=\"/kpis/median-days-to-home?as_of=\(today)\""))
            let before = try await client.execute(uri: "/chains/street-to-home?as_of=2000-01-01", method: .get, headers: headers)
            #expect(before.text.contains("There is no chain street-to-home at position 0."))
            let bad = try await client.execute(uri: "/?as_of=%3Cscript%3E", method: .get, headers: headers)
            #expect(bad.text.contains("as_of must be a position") && !bad.text.contains("<script>"))
            let unknown = try await client.execute(uri: "/chains/nope", method: .get, headers: headers)
            #expect(unknown.text.contains("class=\"warning\""))
        }
    }

    /// What a page shows of the request and the ledger is escaped by the templates: it never
    /// becomes markup.
    @Test func pagesEscapeWhatTheyShow() async throws {
        let fixture = try await ServerFixture.make()
        let headers = ServerFixture.english(ServerFixture.bearer(fixture.coordinator))
        try await fixture.app.test(.router) { client in
            let page = try await client.execute(uri: "/?as_of=\(HTMLQuery.encode("\"><i>x</i>"))", method: .get, headers: headers)
            #expect(page.text.contains("value=\"&quot;&gt;&lt;i&gt;x&lt;/i&gt;\""), "the picker keeps the value, escaped")
            #expect(page.text.contains("not &quot;&quot;&gt;&lt;i&gt;x&lt;/i&gt;&quot;)</p>"), "the warning says it, escaped")
            #expect(!page.text.contains("<i>x</i>"))
        }
    }
}

enum HTMLQuery {
    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyz0123456789-._~")) ?? ""
    }
}

struct OpenAPITests {
    /// The document served at /openapi.json lists every route the router serves, and only those.
    @Test func theDocumentListsEveryRoute() async throws {
        let fixture = try await ServerFixture.make()
        let routes = Set(buildRouter(service: fixture.service).routes.map { "\($0.method.rawValue.lowercased()) \($0.path)" })
        try await fixture.app.test(.router) { client in
            let response = try await client.execute(uri: "/openapi.json", method: .get, headers: ServerFixture.bearer(fixture.auditor))
            let document = try response.json()
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            var documented: Set<String> = []
            for (path, operations) in paths {
                for (method, operation) in operations {
                    documented.insert("\(method) \(path)")
                    let fields = operation as? [String: Any]
                    #expect(fields?["summary"] is String && fields?["responses"] is [String: Any], "\(method) \(path)")
                    let pathParameters = ((fields?["parameters"] as? [[String: Any]]) ?? []).filter { $0["in"] as? String == "path" }
                        .compactMap { $0["name"] as? String }
                    let placeholders = path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) }
                    #expect(pathParameters.sorted() == placeholders.sorted(), "\(method) \(path) documents its path parameters")
                }
            }
            #expect(documented == routes, "undocumented: \(routes.subtracting(documented)); not served: \(documented.subtracting(routes))")
        }
        // A replica started with a witness key serves the witness's routes too, and documents them.
        func paths(_ json: String) throws -> Set<String> {
            let document = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
            return Set(try #require(document?["paths"] as? [String: Any]).keys)
        }
        #expect(
            try paths(OpenAPIDocument.jsonWithWitness).subtracting(paths(OpenAPIDocument.json))
                == ["/witness/add-checkpoint", "/witness/{originHash}/checkpoint"])
    }
}

struct MetricsTests {
    @Test func metricsCountRequestsAndAppends() async throws {
        let fixture = try await ServerFixture.make()
        let headers = ServerFixture.bearer(fixture.shelter)
        let commit = try await fixture.shelterMeasurement(period: "2027-01", value: 91)
        try await fixture.app.test(.router) { client in
            _ = try await client.execute(uri: "/api/commits", method: .post, headers: headers, body: ServerFixture.body(commit))
            let metrics = try await client.execute(uri: "/metrics", method: .get, headers: headers)
            #expect(metrics.status == .ok)
            #expect(metrics.text.contains("# TYPE chainledger_commits_appended_total counter"))
            #expect(
                metrics.text.contains("# TYPE hb_requests counter") || metrics.text.contains("# TYPE hb_requests_total counter"),
                "\(metrics.text.prefix(600))")
            #expect(metrics.text.contains("chainledger_log_size"))
        }
    }
}

import ChainDomain
import ChainProjections
import ChainServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LedgerCore
import NIOCore
import Testing

struct APITests {
    @Test func theHealthCheckIsOpenAndEverythingElseNeedsAToken() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.app.test(.router) { client in
            let health = try await client.execute(uri: "/health", method: .get)
            #expect(health.status == .ok && health.text.contains("\"status\":\"ok\""))
            for uri in ["/api/status", "/api/log", "/api/checkpoint", "/openapi.json", "/metrics", "/api/audit/x"] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .unauthorized && response.errorCode == "missing-token", "\(uri)")
            }
            let wrong = try await client.execute(uri: "/api/status", method: .get, headers: ServerFixture.bearer("clt_nope_nope"))
            #expect(wrong.status == .unauthorized && wrong.errorCode == "invalid-token")
        }
    }

    @Test func submittingCommits() async throws {
        let fixture = try await ServerFixture.make()
        let headers = ServerFixture.bearer(fixture.shelter)
        let commit = try await fixture.shelterMeasurement(period: "2027-01", value: 91)
        try await fixture.app.test(.router) { client in
            let created = try await client.execute(uri: "/api/commits", method: .post, headers: headers, body: ServerFixture.body(commit))
            #expect(created.status == .created)
            let receipt = try created.json()
            let first = try #require(receipt["first"] as? Int)
            let again = try await client.execute(uri: "/api/commits", method: .post, headers: headers, body: ServerFixture.body(commit))
            let againBody = try again.json()
            #expect(again.status == .ok)
            #expect(againBody["duplicate"] as? Bool == true)
            #expect(againBody["first"] as? Int == first)
            let entry = try await client.execute(uri: "/api/log/\(first)", method: .get, headers: headers)
            let entryBody = try entry.json()
            #expect(entry.status == .ok)
            #expect(entryBody["type"] as? String == "MeasurementRecorded")
        }
    }

    /// The submission body of `commit` with `members` added after its own.
    static func adding(_ members: String, to commit: SignedCommit) -> ByteBuffer {
        ByteBuffer(string: String(String(buffer: ServerFixture.body(commit)).dropLast()) + members + "}")
    }

    /// Each refusal has its status and a JSON body saying why, and changes nothing.
    @Test func refusedSubmissionsSayWhyAndChangeNothing() async throws {
        let fixture = try await ServerFixture.make()
        let shelter = ServerFixture.bearer(fixture.shelter)
        let conflict = try await fixture.shelterMeasurement(period: "2025-03", value: 91)
        let notReporter = try await fixture.shelterMeasurement(period: "2027-01", value: 5, kpi: "debt-plan-3m")
        let wrongGrain = try await fixture.shelterMeasurement(period: "2027-Q1", value: 90)
        let stale = try await fixture.shelterMeasurement(
            period: "2027-04", value: 90, time: Timestamp(milliseconds: ServerFixture.time.current.milliseconds - 365 * 86_400_000))
        let cases: [(String, HTTPFields, ByteBuffer, HTTPResponse.Status, String)] = [
            ("stale version", shelter, ServerFixture.body(conflict), .conflict, "version-conflict"),
            ("not a reporter", shelter, ServerFixture.body(notReporter), .forbidden, "unauthorised"),
            ("a rule", shelter, ServerFixture.body(wrongGrain), .unprocessableContent, "rule"),
            ("malformed JSON", shelter, ByteBuffer(string: "{\"signed\": 5"), .badRequest, "malformed-json"),
            ("wrong types", shelter, ByteBuffer(string: "{\"signed\": 5, \"signature\": []}"), .badRequest, "malformed-json"),
            ("an unknown field", shelter, Self.adding(#","note":"x""#, to: conflict), .badRequest, "malformed-json"),
            ("a field twice", shelter, Self.adding(#","signed":"aGVsbG8K""#, to: conflict), .badRequest, "malformed-json"),
            ("trailing bytes", shelter, ByteBuffer(string: String(buffer: ServerFixture.body(conflict)) + "x"), .badRequest, "malformed-json"),
            ("signed a year ago", shelter, ServerFixture.body(stale), .unprocessableContent, "commit-refused"),
            ("bad base64", shelter, ByteBuffer(string: "{\"signed\": \"***\", \"signature\": \"***\"}"), .badRequest, "malformed-base64"),
            ("not a commit", shelter, ByteBuffer(string: "{\"signed\": \"aGVsbG8K\", \"signature\": \"\"}"), .badRequest, "malformed-commit"),
            ("another organisation's commit", ServerFixture.bearer(fixture.coordinator), ServerFixture.body(conflict), .forbidden, "token-scope"),
            ("an auditor", ServerFixture.bearer(fixture.auditor), ServerFixture.body(conflict), .forbidden, "token-scope"),
            ("huge body", shelter, ByteBuffer(repeating: UInt8(ascii: " "), count: 65 << 20), .contentTooLarge, "too-large"),
        ]
        let before = try await fixture.fingerprint()
        try await fixture.app.test(.router) { client in
            for (name, headers, body, status, code) in cases {
                let response = try await client.execute(uri: "/api/commits", method: .post, headers: headers, body: body)
                #expect(response.status == status, "\(name): \(response.status) \(response.text.prefix(200))")
                #expect(response.errorCode == code, "\(name): \(response.text.prefix(200))")
                let message = ((try? response.json())?["error"] as? [String: Any])?["message"] as? String ?? ""
                #expect(!message.isEmpty, "\(name) says why")
                if ["unauthorised", "rule", "version-conflict", "commit-refused"].contains(code) {
                    let phrase = try JSONDecoder().decode(
                        Phrase.self, from: try JSONSerialization.data(withJSONObject: EdgeRequestTests.errorField(response, "phrase")))
                    #expect(phrase.description == message, "\(name): the phrase says the message")
                }
            }
        }
        #expect(try await fixture.fingerprint() == before)
    }

    @Test func readingTheLogCheckpointsAndProofs() async throws {
        let fixture = try await ServerFixture.make()
        let headers = ServerFixture.bearer(fixture.auditor)
        let size = try await fixture.service.store.size()
        try await fixture.app.test(.router) { client in
            let page = try await client.execute(uri: "/api/log?from=10&limit=5", method: .get, headers: headers).json()
            #expect((page["entries"] as? [[String: Any]])?.map { $0["position"] as? Int } == [10, 11, 12, 13, 14] && page["next"] as? Int == 15)
            let stream = try await client.execute(uri: "/api/stream?id=chain/street-to-home", method: .get, headers: headers).json()
            // Defined, two owners, its values.
            #expect((stream["entries"] as? [[String: Any]])?.count == 4 && stream["version"] as? Int == 4)
            let note = try await client.execute(uri: "/api/checkpoint", method: .get, headers: headers).text
            let key = try #require(await fixture.service.ledger.registry.checkpointKey)
            let checkpoint = try Checkpoint.open(note, verifier: key)
            #expect(checkpoint.size == size)
            let inclusion = try await client.execute(uri: "/api/proofs/inclusion?position=7", method: .get, headers: headers).json()
            try ProofVerifier.verifyInclusion(
                index: 7, size: size, leafHash: [UInt8](Data(base64Encoded: inclusion["leafHash"] as! String)!),
                proof: (inclusion["proof"] as! [String]).map { [UInt8](Data(base64Encoded: $0)!) }, root: checkpoint.root.bytes)
            let consistency = try await client.execute(uri: "/api/proofs/consistency?old=100", method: .get, headers: headers).json()
            #expect(consistency["newRoot"] as? String == checkpoint.root.base64)
            let missing = try await client.execute(uri: "/api/log/\(size)", method: .get, headers: headers)
            #expect(missing.status == .notFound && missing.errorCode == "no-entry")
            let beyond = try await client.execute(uri: "/api/proofs/inclusion?position=\(size + 5)", method: .get, headers: headers)
            #expect(beyond.status == .notFound && beyond.errorCode == "out-of-range")
            let badNumber = try await client.execute(uri: "/api/log?from=ten", method: .get, headers: headers)
            #expect(badNumber.status == .badRequest && badNumber.errorCode == "bad-parameter")
        }
    }

    /// The commits a replica mirrors: whole, as signed, in position order, within `from`/`to`.
    @Test func commitsAreServedAsSignedWithinTheAskedPositions() async throws {
        let fixture = try await ServerFixture.make()
        let headers = ServerFixture.bearer(fixture.auditor)
        let stored = try await fixture.service.store.commits(from: 0, limit: 10_000)
        let cut = stored[stored.count / 2].first
        try await fixture.app.test(.router) { client in
            var served: [[String: Any]] = []
            var next: UInt64 = 0
            while true {
                let page = try await client.execute(uri: "/api/commits?from=\(next)&limit=3", method: .get, headers: headers).json()
                let rows = try #require(page["commits"] as? [[String: Any]])
                #expect(rows.count <= 3)
                if rows.isEmpty { break }
                served += rows
                next = try #require((page["next"] as? NSNumber)?.uint64Value)
            }
            #expect(served.count == stored.count)
            for (row, commit) in zip(served, stored) {
                #expect(row["id"] as? String == commit.id.hex && (row["first"] as? NSNumber)?.uint64Value == commit.first)
                #expect(row["last"] as? NSNumber == NSNumber(value: commit.last) && row["organisation"] as? String == commit.organisation)
                #expect(Data(base64Encoded: row["signed"] as? String ?? "") == Data(commit.bytes))
                #expect(Data(base64Encoded: row["signature"] as? String ?? "") == Data(commit.signature))
                #expect(row["recordedAt"] as? String == "\(commit.recordedAt)")
            }
            let before = try await client.execute(uri: "/api/commits?from=0&to=\(cut)&limit=1000", method: .get, headers: headers).json()
            let firsts = try #require(before["commits"] as? [[String: Any]]).compactMap { ($0["first"] as? NSNumber)?.uint64Value }
            #expect(firsts == stored.prefix { $0.first < cut }.map(\.first))
            let badBound = try await client.execute(uri: "/api/commits?from=0&to=-1", method: .get, headers: headers)
            #expect(badBound.status == .badRequest && badBound.errorCode == "bad-parameter")
        }
    }

    /// Server-sent events resume after `Last-Event-ID`.
    @Test func followingTheLogResumesAfterTheLastEventID() async throws {
        let fixture = try await ServerFixture.make()
        let headers = ServerFixture.bearer(fixture.shelter)
        try await fixture.app.test(.router) { client in
            let first = try await client.execute(uri: "/api/follow?from=5&max=3", method: .get, headers: headers)
            #expect(first.headers[.contentType] == "text/event-stream")
            let ids = first.text.split(separator: "\n").filter { $0.hasPrefix("id: ") }.map { $0.dropFirst(4) }
            #expect(ids == ["5", "6", "7"])
            var resume = headers
            resume[HTTPField.Name("Last-Event-ID")!] = "7"
            let second = try await client.execute(uri: "/api/follow?max=2", method: .get, headers: resume)
            #expect(second.text.split(separator: "\n").filter { $0.hasPrefix("id: ") }.map { $0.dropFirst(4) } == ["8", "9"])
            #expect(second.text.contains("event: entry\ndata: {"))
        }
    }

    @Test func readModelsAnswerAsOfAnyMoment() async throws {
        let fixture = try await ServerFixture.make()
        let headers = ServerFixture.bearer(fixture.shelter)
        try await fixture.app.test(.router) { client in
            for uri in [
                "/api/status", "/api/responsibilities", "/api/agreements", "/api/decisions", "/api/method-health",
                "/api/kpis/intake-14d/measurements", "/api/audit/hf-2025-10-extra-homes", "/api/status?chain=street-to-home&as_of=139",
                "/api/responsibilities?as_of=2026-01-01",
            ] {
                let response = try await client.execute(uri: uri, method: .get, headers: headers)
                #expect(response.status == .ok, "\(uri): \(response.text.prefix(200))")
            }
            let then = try await client.execute(uri: "/api/status?chain=street-to-home&as_of=139", method: .get, headers: headers)
            #expect(then.text.contains("\"size\":139"))
            let badAsOf = try await client.execute(uri: "/api/status?as_of=yesterday", method: .get, headers: headers)
            #expect(badAsOf.status == .badRequest && badAsOf.errorCode == "bad-as-of")
            let unknownChain = try await client.execute(uri: "/api/status?chain=nope", method: .get, headers: headers)
            #expect(unknownChain.status == .notFound)
            let unknownDecision = try await client.execute(uri: "/api/audit/nope", method: .get, headers: headers)
            #expect(unknownDecision.status == .notFound && unknownDecision.text.contains("there is no decision nope"))
            let brief = try await client.execute(uri: "/api/brief?chain=street-to-home&as_of=2026-03-14", method: .get, headers: headers)
            #expect(brief.status == .ok && brief.text.contains("\"dialogue\":\"hf-dialogue-2026-01\""), "\(brief.text.prefix(300))")
            let briefWithoutChain = try await client.execute(uri: "/api/brief", method: .get, headers: headers)
            #expect(briefWithoutChain.status == .badRequest && briefWithoutChain.errorCode == "missing-parameter")
            let briefOfNothing = try await client.execute(uri: "/api/brief?chain=nope", method: .get, headers: headers)
            #expect(briefOfNothing.status == .notFound)
            // A strategic decision belongs to no chain: its audit names none, and the decisions list it on their own.
            let strategic = try await client.execute(uri: "/api/audit/hf-strategy-2025-04", method: .get, headers: headers)
            let audit = try strategic.json()
            #expect(strategic.status == .ok && audit["chain"] == nil && audit["decision"] != nil, "\(strategic.text.prefix(200))")
            let decisions = try await client.execute(uri: "/api/decisions", method: .get, headers: headers).json()
            #expect(((decisions["strategic"] as? [String: Any])?["decisions"] as? [Any])?.count == 1)
            // Of one chain, the decisions leave the strategic ones out, and the schema does not require them.
            let ofChain = try await client.execute(uri: "/api/decisions?chain=street-to-home", method: .get, headers: headers).json()
            let document = try await client.execute(uri: "/openapi.json", method: .get, headers: headers).json()
            let schemas = (document["components"] as? [String: Any])?["schemas"] as? [String: Any]
            let required = try #require((schemas?["Dialogues"] as? [String: Any])?["required"] as? [String])
            #expect(ofChain["strategic"] == nil && required.allSatisfy { ofChain[$0] != nil && decisions[$0] != nil }, "\(required)")
        }
    }

    /// Answers are cached by the moment they answer for; a new commit moves "now" on, and KPI
    /// trees are computed once per revision of what they show.
    @Test func cachedAnswersFollowTheLog() async throws {
        let fixture = try await ServerFixture.make()
        let headers = ServerFixture.bearer(fixture.shelter)
        let commit = try await fixture.shelterMeasurement(period: "2027-01", value: 42)
        try await fixture.app.test(.router) { client in
            let before = try await client.execute(uri: "/api/status?chain=street-to-home", method: .get, headers: headers).text
            let again = try await client.execute(uri: "/api/status?chain=street-to-home", method: .get, headers: headers).text
            #expect(before == again && !before.contains("\"period\":\"2027-01\""))
            #expect(fixture.service.trees.count == 1, "one tree computed")
            let size = try await fixture.service.store.size()
            _ = try await client.execute(uri: "/api/commits", method: .post, headers: headers, body: ServerFixture.body(commit))
            let after = try await client.execute(uri: "/api/status?chain=street-to-home", method: .get, headers: headers).text
            #expect(after.contains("\"period\":\"2027-01\"") && after.contains("\"size\":\(size + 1)"))
            let then = try await client.execute(uri: "/api/status?chain=street-to-home&as_of=\(size)", method: .get, headers: headers).text
            #expect(then.contains("\"size\":\(size)") && !then.contains("\"period\":\"2027-01\""))
            #expect(fixture.service.trees.count == 2, "the tree before the commit served the earlier moment again")
        }
    }

    /// After a commit, "now" moves on once the projections caught up and the KPI trees that
    /// readers asked for are computed for the new moment; until then other readers see the
    /// previous moment. A position asked for explicitly is waited for.
    @Test func aNewMomentIsPublishedWithItsTreesReady() async throws {
        let fixture = try await ServerFixture.make()
        let reader = ServerFixture.bearer(fixture.coordinator)
        let commit = try await fixture.shelterMeasurement(period: "2027-02", value: 55)
        let second = try await fixture.shelterMeasurement(period: "2027-03", value: 56)
        try await fixture.app.test(.router) { client in
            _ = try await client.execute(uri: "/api/status?chain=street-to-home", method: .get, headers: reader)
            let size = try await fixture.service.store.size()
            #expect(fixture.service.published?.size == size)
            let posted = try await client.execute(
                uri: "/api/commits", method: .post, headers: ServerFixture.bearer(fixture.shelter),
                body: ServerFixture.body(commit))
            #expect(posted.status == .created)
            // Another reader asking for the new position explicitly waits for it.
            let atNew = try await client.execute(uri: "/api/status?chain=street-to-home&as_of=\(size + 1)", method: .get, headers: reader)
            #expect(atNew.status == .ok && atNew.text.contains("\"period\":\"2027-02\""), "\(atNew.text)")
            // A moment nobody has asked about: its tree is in the cache only if publishing put it there.
            let postedSecond = try await client.execute(
                uri: "/api/commits", method: .post, headers: ServerFixture.bearer(fixture.shelter),
                body: ServerFixture.body(second))
            #expect(postedSecond.status == .created)
            try await fixture.service.advance(to: size + 2)
            let now = try #require(fixture.service.published)
            #expect(now.size == size + 2)
            #expect(fixture.service.isCached("/api/status", chain: "street-to-home", moment: now), "computed before it was published")
            let read = try await client.execute(uri: "/api/status?chain=street-to-home", method: .get, headers: reader)
            #expect(read.text.contains("\"period\":\"2027-03\"") && read.text.contains("\"size\":\(size + 2)"))
        }
    }

    /// A KPI tree encoded once answers for another moment byte for byte as a fresh encoding.
    @Test func anEncodedTreeAnswersForAnotherMomentAsAFreshEncodingWould() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.service.projector.catchUp()
        let models = fixture.service.readModels
        let tree = try await models.kpiTree(chain: "street-to-home")
        let other = try await models.resolve(.position(tree.moment.size - 3))
        #expect(other != tree.moment)
        let body = try EncodedTree(tree).body(at: other)
        #expect(Array(body.readableBytesView) == (try EncodedTree(tree.at(other)).bytes))
        #expect(try JSONDecoder().decode([KpiTree].self, from: Data(body.readableBytesView)) == [tree.at(other)])
    }

    @Test func tokenScopesExpiryAndRevocation() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.app.test(.router) { client in
            let listed = try await client.execute(uri: "/api/tokens", method: .get, headers: ServerFixture.bearer(fixture.coordinator))
            #expect(listed.status == .ok && !listed.text.contains(fixture.shelter), "secrets are never listed")
            let member = try await client.execute(uri: "/api/tokens", method: .get, headers: ServerFixture.bearer(fixture.shelter))
            #expect(member.status == .forbidden && member.errorCode == "token-scope")
            let id = String(fixture.shelter.split(separator: "_")[1])
            let wasRevoked = try await fixture.service.tokens.revoke(id: id)
            #expect(wasRevoked)
            let revoked = try await client.execute(uri: "/api/status", method: .get, headers: ServerFixture.bearer(fixture.shelter))
            #expect(revoked.status == .unauthorized)
            let expired = try await fixture.service.tokens.issue(
                organisation: "woonstichting-hoeksteen", person: "x", role: .member, validFor: 1,
                now: Date(timeIntervalSinceNow: -2 * 86_400))
            let expiredStatus = try await client.execute(uri: "/api/status", method: .get, headers: ServerFixture.bearer(expired)).status
            #expect(expiredStatus == .unauthorized)
        }
    }

    /// 64 writers at once: every commit lands, in fewer transactions than commits (group commit).
    @Test func concurrentWritersAreGroupedIntoFewerTransactions() async throws {
        let fixture = try await ServerFixture.make()
        let headers = ServerFixture.bearer(fixture.shelter)
        var commits: [SignedCommit] = []
        for month in 1...12 {
            for year in 2018...2023 where commits.count < 64 {
                commits.append(try await fixture.shelterMeasurement(period: "\(year)-\(month < 10 ? "0" : "")\(month)", value: 90))
            }
        }
        let before = try await fixture.service.store.size()
        let checkpointsBefore = try await fixture.service.store.checkpoints(fromSize: 0, limit: 10_000).count
        let submissions = commits
        try await fixture.app.test(.router) { client in
            try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for commit in submissions {
                    group.addTask {
                        try await client.execute(uri: "/api/commits", method: .post, headers: headers, body: ServerFixture.body(commit)).status
                    }
                }
                for try await status in group { #expect(status == .created) }
            }
        }
        let after = try await fixture.service.store.size()
        #expect(after == before + 64)
        let written = try await fixture.service.store.checkpoints(fromSize: 0, limit: 10_000).count - checkpointsBefore
        #expect(written < 64, "64 commits in \(written) transactions")
    }
}

/// Requests at the edges of what the routes take: each gets its documented answer, and none
/// stops the server (every one of these once trapped or answered undocumented).
struct EdgeRequestTests {
    @Test func edgeValuesAreAnsweredNotTrappedOn() async throws {
        let fixture = try await ServerFixture.make()
        let headers = ServerFixture.bearer(fixture.auditor)
        try await fixture.app.test(.router) { client in
            let answers: [(String, HTTPResponse.Status, String?)] = [
                ("/api/log/9223372036854775808", .badRequest, "bad-parameter"),
                ("/api/log/9223372036854775807", .notFound, "no-entry"),
                ("/api/log?from=18446744073709551615", .badRequest, "bad-parameter"),
                ("/api/log?from=9223372036854775807", .ok, nil),
                ("/api/stream?id=kpi/intake&from_version=9223372036854775807", .ok, nil),
                ("/api/commits?from=9223372036854775807", .ok, nil),
                ("/api/checkpoints?from=9223372036854775807", .ok, nil),
                ("/api/proofs/inclusion?position=9223372036854775806&size=0", .notFound, "out-of-range"),
                ("/api/proofs/consistency?old=9223372036854775807", .notFound, "out-of-range"),
                ("/api/status?as_of=6269-07-24T13:15:58.2Z", .ok, nil),
                ("/api/agreements?as_of=2999-12-31", .ok, nil),
                ("/api/method-health?as_of=2026-03-31T23:00:00-20:45", .ok, nil),
                ("/api/decisions?chain=", .ok, nil),
                ("/api/status?as_of=yesterday", .badRequest, "bad-as-of"),
                ("/api/nothing-here", .notFound, "no-such-path"),
            ]
            for (uri, status, code) in answers {
                let response = try await client.execute(uri: uri, method: .get, headers: headers)
                #expect(response.status == status, "\(uri): \(response.status) \(response.text.prefix(200))")
                if let code { #expect(response.errorCode == code, "\(uri): \(response.text.prefix(200))") }
            }
            // The dashboard's pages say what is wrong with the status that goes with it.
            for (uri, status) in [
                ("/?as_of=6269-07-24T13:15:58Z", HTTPResponse.Status.ok), ("/?as_of=yesterday", .badRequest),
                ("/chains/no-such-chain", .notFound), ("/kpis/no-such-kpi", .notFound), ("/audit/no-such-decision", .notFound),
            ] {
                let page = try await client.execute(uri: uri, method: .get, headers: headers)
                #expect(page.status == status && page.headers[.contentType]?.hasPrefix("text/html") == true, "\(uri): \(page.status)")
            }
            // A method the path is not served with: 405, and what it is served with.
            let trace = try await client.execute(uri: "/api/log", method: HTTPRequest.Method("TRACE")!, headers: headers)
            #expect(trace.status == .methodNotAllowed && trace.headers[.allow] == "GET" && trace.errorCode == "method-not-allowed")
            let put = try await client.execute(uri: "/api/commits", method: .put, headers: headers)
            #expect(put.status == .methodNotAllowed && put.headers[.allow] == "GET, POST")
        }
    }

    static func errorField(_ response: TestResponse, _ field: String) throws -> Any {
        try #require(((try response.json())["error"] as? [String: Any])?[field], "the error has \(field)")
    }
}

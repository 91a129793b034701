import Foundation

/// The OpenAPI 3.1 description of the API, served at `/openapi.json`. The tests check that it
/// lists every route the router serves, and only those.
enum OpenAPIDocument {
    struct Operation {
        let method: String
        let path: String
        let summary: String
        var parameters: [(name: String, location: String, description: String)] = []
        var responses: [Int: String] = [200: "OK"]
        var body: String?
        var authenticated = true
    }

    static let asOf = ("as_of", "query", "A ledger position (size), a date (YYYY-MM-DD, end of day UTC) or an RFC 3339 time")
    static let chain = ("chain", "query", "Only this chain")

    static let operations: [Operation] = [
        Operation(method: "get", path: "/health", summary: "Liveness and the ledger's size (no token needed)", authenticated: false),
        Operation(method: "get", path: "/openapi.json", summary: "This document"),
        Operation(method: "get", path: "/metrics", summary: "Prometheus metrics"),
        Operation(
            method: "post", path: "/api/commits", summary: "Submit a signed commit",
            responses: [
                200: "Already in the ledger: the original positions", 201: "Appended", 400: "Malformed commit or body",
                401: "No valid token", 403: "Signature or authorisation refused", 409: "Stream version conflict",
                405: "A partner's read-only replica (serve --replica): submit to the coalition's server it names",
                413: "Body too large", 422: "A rule refused an event",
            ],
            body: "{\"signed\": base64 commit document, \"signature\": base64 Ed25519 signature}"),
        Operation(
            method: "get", path: "/api/commits", summary: "Commits as signed, from a position, paged (for replicas)",
            parameters: [
                ("from", "query", "First position (default 0)"), ("to", "query", "Only commits that start before this position"),
                ("limit", "query", "At most this many (≤ 1000; a page carries about 16 MiB of signed bytes)"),
            ]),
        Operation(
            method: "get", path: "/api/checkpoints", summary: "Every signed checkpoint from a size on, paged (for replicas)",
            parameters: [("from", "query", "First size (default 0)"), ("limit", "query", "At most this many (≤ 1000)")]),
        Operation(
            method: "get", path: "/api/log", summary: "Entries from a position, paged",
            parameters: [("from", "query", "First position (default 0)"), ("limit", "query", "At most this many (≤ 1000)")]),
        Operation(
            method: "get", path: "/api/log/{position}", summary: "One entry", parameters: [("position", "path", "The entry's position")],
            responses: [200: "OK", 404: "No such entry"]),
        Operation(
            method: "get", path: "/api/stream", summary: "One stream's entries",
            parameters: [("id", "query", "The stream id"), ("from_version", "query", "First version"), ("limit", "query", "At most this many")]),
        Operation(
            method: "get", path: "/api/follow", summary: "Server-sent events: entries from a position, then live; resumes after Last-Event-ID",
            parameters: [
                ("from", "query", "First position"), ("max", "query", "Close after this many events"),
                ("Last-Event-ID", "header", "The last position received"),
            ]),
        Operation(method: "get", path: "/api/checkpoint", summary: "The latest signed checkpoint (C2SP tlog-checkpoint)"),
        Operation(
            method: "get", path: "/api/proofs/inclusion", summary: "RFC 9162 inclusion proof",
            parameters: [("position", "query", "The entry"), ("size", "query", "Tree size (default: the log)")]),
        Operation(
            method: "get", path: "/api/proofs/consistency", summary: "RFC 9162 consistency proof",
            parameters: [("old", "query", "The older size"), ("new", "query", "The newer size (default: the log)")]),
        Operation(method: "get", path: "/api/status", summary: "KPI trees with status and trend", parameters: [chain, asOf]),
        Operation(
            method: "get", path: "/api/kpis/{kpi}/measurements", summary: "Every value of a KPI, corrections included",
            parameters: [("kpi", "path", "The KPI id"), asOf]),
        Operation(
            method: "get", path: "/api/responsibilities", summary: "Owners (with history), reporters, parties, roles", parameters: [chain, asOf]),
        Operation(method: "get", path: "/api/agreements", summary: "Agreements, signatures and compliance", parameters: [chain, asOf]),
        Operation(method: "get", path: "/api/decisions", summary: "Dialogues, decisions and actions", parameters: [chain, asOf]),
        Operation(
            method: "get", path: "/api/audit/{decision}", summary: "A decision's audit: then, now, corrections since",
            parameters: [("decision", "path", "The decision id")], responses: [200: "OK", 404: "No such decision"]),
        Operation(method: "get", path: "/api/method-health", summary: "The method's silo warning signs", parameters: [chain, asOf]),
        Operation(
            method: "get", path: "/api/tokens", summary: "Issued access tokens (coordinators only)", responses: [200: "OK", 403: "Not a coordinator"]),
        Operation(
            method: "get", path: "/api/checkpoint/witnessed",
            summary: "The latest checkpoint that meets the witness policy, with the witnesses' cosignatures (a C2SP note)",
            responses: [200: "OK", 404: "No checkpoint has met the policy yet"]),
        Operation(
            method: "get", path: "/api/receipts/{commit}",
            summary: "C2SP tlog-proofs of a commit's first and last entries (every=true: each) against the witnessed checkpoint",
            parameters: [("commit", "path", "The commit id"), ("every", "query", "true for a proof of every entry")],
            responses: [200: "OK", 400: "Not a commit id", 404: "No such commit", 409: "Not yet witnessed"]),
        Operation(
            method: "get", path: "/tiles/checkpoint", summary: "C2SP tlog-tiles: the latest checkpoint (cached 2 seconds)",
            responses: [200: "OK", 404: "No checkpoint yet"]),
        Operation(
            method: "get", path: "/tiles/tile/**",
            summary: "C2SP tlog-tiles: a tile of hashes tile/<L>/<N>[.p/<W>] or an entry bundle tile/entries/<N>[.p/<W>] (immutable)",
            responses: [
                200: "OK", 404: "Not a tile path, or a tile the log has not reached", 422: "The bundle would hold an entry over 65,535 bytes",
            ]),
        Operation(
            method: "get", path: "/api/replica",
            summary: "On a partner's replica: the coalition's server it mirrors and the evidence of misbehaviour it holds",
            responses: [200: "OK", 404: "Not a replica"]),
        Operation(method: "get", path: "/", summary: "Dashboard: coalition overview", parameters: [asOf]),
        Operation(
            method: "get", path: "/login", summary: "Dashboard: sign in with a one-time link, keeping its token in a cookie",
            parameters: [("code", "query", "A one-time sign-in code (cll_…)"), ("next", "query", "The page to open (a path on this server)")],
            responses: [303: "Signed in", 401: "No code, or a code used already or expired"], authenticated: false),
        Operation(
            method: "post", path: "/login", summary: "Dashboard: sign in with a token from the form (token, next), keeping it in a cookie",
            responses: [303: "Signed in", 401: "Unknown, expired or revoked token"], authenticated: false),
        Operation(
            method: "post", path: "/api/login-links", summary: "A one-time dashboard sign-in link for the bearer token (five minutes)",
            responses: [201: "The link"]),
        Operation(
            method: "get", path: "/chains/{chain}", summary: "Dashboard: a chain's KPI tree", parameters: [("chain", "path", "The chain id"), asOf]),
        Operation(method: "get", path: "/kpis/{kpi}", summary: "Dashboard: a KPI's trend", parameters: [("kpi", "path", "The KPI id"), asOf]),
        Operation(method: "get", path: "/responsibilities", summary: "Dashboard: responsibilities over time", parameters: [asOf]),
        Operation(method: "get", path: "/agreements", summary: "Dashboard: agreements", parameters: [asOf]),
        Operation(method: "get", path: "/decisions", summary: "Dashboard: dialogues and decisions", parameters: [asOf]),
        Operation(
            method: "get", path: "/audit/{decision}", summary: "Dashboard: a decision's audit", parameters: [("decision", "path", "The decision id")]),
    ]

    static let json: String = {
        var paths: [String: [String: Any]] = [:]
        for operation in operations {
            var entry: [String: Any] = [
                "summary": operation.summary,
                "responses": Dictionary(
                    uniqueKeysWithValues: (operation.responses.merging([
                        401: "No valid token", 429: "Too many requests from this address or with this token (Retry-After says when to try again)",
                    ]) { first, _ in first }
                    .filter { operation.authenticated || $0.key != 401 })
                    .map { ("\($0.key)", ["description": $0.value]) }),
            ]
            if !operation.parameters.isEmpty {
                entry["parameters"] = operation.parameters.map {
                    [
                        "name": $0.name, "in": $0.location, "description": $0.description, "required": $0.location == "path",
                        "schema": ["type": "string"],
                    ]
                }
            }
            if let body = operation.body {
                entry["requestBody"] = [
                    "required": true,
                    "content": [
                        "application/json": [
                            "schema": [
                                "type": "object", "required": ["signed", "signature"], "description": body,
                                "properties": [
                                    "signed": ["type": "string", "contentEncoding": "base64"],
                                    "signature": ["type": "string", "contentEncoding": "base64"],
                                ],
                            ]
                        ]
                    ],
                ]
            }
            if !operation.authenticated { entry["security"] = [] }
            paths[operation.path, default: [:]][operation.method] = entry
        }
        let document: [String: Any] = [
            "openapi": "3.1.0",
            "info": [
                "title": "ChainLedger", "version": "1.0.0",
                "description": "The shared, append-only, verifiable ledger of a coalition steering on customer chains.",
            ],
            "components": ["securitySchemes": ["token": ["type": "http", "scheme": "bearer"]]],
            "security": [["token": []]],
            "paths": paths,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }()
}

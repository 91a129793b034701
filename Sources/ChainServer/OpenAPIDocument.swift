import Foundation

/// The OpenAPI 3.1 description of the API, served at `/openapi.json`: every route, every status
/// it answers with, and the schema of every body it answers with, errors included. The tests
/// check that it lists every route the router serves, and only those; schemathesis
/// (`tools/api-check`, run by CI) checks the server against it.
enum OpenAPIDocument {
    typealias Schema = [String: Any]

    /// An answer: its description and what its body holds.
    struct Answer {
        let description: String
        let body: Body

        enum Body {
            case none
            /// JSON of this schema.
            case json(Schema)
            /// Text of this media type (a signed note, a tlog-proof, a size).
            case text(String)
            case html
            /// Server-sent events.
            case events
            /// Bytes (tiles).
            case binary
        }

        init(_ description: String, _ body: Body = .json(ref("Error"))) {
            self.description = description
            self.body = body
        }

        static func ok(_ body: Body, _ description: String = "OK") -> Answer { Answer(description, body) }
    }

    struct Parameter {
        let name: String
        let location: String
        let description: String
        let schema: Schema
        var required: Bool = false
    }

    struct Operation {
        let method: String
        let path: String
        let summary: String
        var parameters: [Parameter] = []
        var responses: [Int: Answer]
        /// The request body's media type and schema.
        var body: (type: String, schema: Schema)?
        var authenticated = true

        /// A dashboard page: its errors are pages too.
        var isPage: Bool {
            if case .html = responses[200]?.body { true } else { false }
        }
    }

    // MARK: - Schemas

    static func ref(_ name: String) -> Schema { ["$ref": "#/components/schemas/\(name)"] }
    static var string: Schema { ["type": "string"] }
    static var integer: Schema { ["type": "integer", "minimum": 0] }
    static var number: Schema { ["type": "number"] }
    static var boolean: Schema { ["type": "boolean"] }
    static var base64: Schema { ["type": "string", "contentEncoding": "base64"] }
    static var anyObject: Schema { ["type": "object"] }
    static func array(_ items: Schema) -> Schema { ["type": "array", "items": items] }
    /// An object with these properties, all of them required unless `required` names fewer.
    static func object(_ properties: [String: Schema], required: [String]? = nil) -> Schema {
        ["type": "object", "properties": properties, "required": required ?? properties.keys.sorted()]
    }

    static var schemas: [String: Schema] {
        [
            "Error": object([
                "error": object(
                    [
                        "status": ["type": "integer"], "code": string, "message": string,
                        "phrase": [
                            "description":
                                "The message as a template with numbered places and the values that fill them, for clients that say it in another language",
                            "type": "object", "properties": ["template": string, "values": ["type": "array"]],
                            "required": ["template", "values"],
                        ],
                    ], required: ["status", "code", "message"])
            ]),
            "Moment": object(
                ["size": integer, "day": string, "recordedAt": string], required: ["size"]),
            "Health": object(["status": ["const": "ok"], "size": ["type": "string", "pattern": "^[0-9]+$"]]),
            "Entry": object(
                [
                    "position": integer, "stream": string, "version": integer, "type": string, "schema": integer,
                    "data": ["description": "The event's data exactly as signed"], "readable": ["const": false], "commit": string,
                    "recordedAt": string, "leaf": base64,
                ], required: ["position", "stream", "version", "type", "commit", "recordedAt", "leaf"]),
            "EntryPage": object(
                ["entries": array(ref("Entry")), "next": integer, "size": integer, "version": integer], required: ["entries", "next", "size"]),
            "Commit": object([
                "first": integer, "id": string, "key": string, "last": integer, "organisation": string, "recordedAt": string, "signature": base64,
                "signed": base64,
            ]),
            "CommitPage": object(["commits": array(ref("Commit")), "next": integer, "size": integer]),
            "CheckpointPage": object([
                "checkpoints": array(object(["note": string, "root": base64, "size": integer])), "next": integer,
            ]),
            "AppendReceipt": object([
                "commit": string, "first": integer, "last": integer, "size": integer, "root": base64, "duplicate": boolean,
            ]),
            "InclusionProof": object(["index": integer, "size": integer, "leafHash": base64, "root": base64, "proof": array(base64)]),
            "ConsistencyProof": object(["old": integer, "new": integer, "oldRoot": base64, "newRoot": base64, "proof": array(base64)]),
            "Receipt": object([
                "commit": string,
                "proofs": array(object(["position": integer, "proof": ["type": "string", "description": "A C2SP tlog-proof"]])),
            ]),
            "KpiTrees": array(object(["chain": string, "name": string, "moment": ref("Moment"), "kpis": array(anyObject)])),
            "Measurements": array(
                object(
                    [
                        "kpi": string, "organisation": string, "period": string, "position": integer, "recordedAt": string, "source": string,
                        "status": string, "value": number,
                    ], required: ["kpi", "organisation", "period", "position", "recordedAt", "status", "value"])),
            "Responsibilities": object([
                "moment": ref("Moment"), "chains": array(anyObject), "coordinators": array(string), "members": array(anyObject),
            ]),
            "Agreements": object(["moment": ref("Moment"), "agreements": array(anyObject)]),
            // `strategic` only without a chain filter.
            "Dialogues": object(["moment": ref("Moment"), "chains": array(anyObject), "strategic": anyObject], required: ["moment", "chains"]),
            "Audit": object(
                [
                    "chain": string, "decision": anyObject, "then": ref("Moment"), "now": ref("Moment"), "kpis": array(anyObject),
                    "corrections": array(anyObject), "late": array(anyObject), "reviewedPosition": integer, "agenda": anyObject,
                    "redsNotDiscussed": array(string),
                ], required: ["decision", "then", "now", "kpis", "corrections", "late", "redsNotDiscussed"]),
            "DialogueBrief": object(
                [
                    "chain": string, "name": string, "moment": ref("Moment"), "previous": anyObject, "since": ref("Moment"),
                    "statusChanges": array(anyObject), "attention": array(anyObject), "corrections": array(anyObject), "late": array(anyObject),
                    "actions": array(anyObject), "missedObligations": array(anyObject), "commitments": array(anyObject),
                    "warnings": array(anyObject), "nextDue": string, "overdue": boolean, "participants": array(anyObject), "nextAgenda": anyObject,
                ],
                required: [
                    "chain", "name", "moment", "since", "statusChanges", "attention", "corrections", "late", "actions", "missedObligations",
                    "commitments", "warnings", "nextDue", "overdue", "participants",
                ]),
            "MethodHealth": object([
                "moment": ref("Moment"),
                "warnings": array(object(["rule": string, "chain": string, "subject": string, "detail": string], required: ["rule", "detail"])),
            ]),
            "Tokens": array(
                object(
                    [
                        "id": string, "organisation": string, "person": string, "role": ["enum": ["member", "coordinator", "auditor"]],
                        "createdAt": string, "expiresAt": string, "revokedAt": string,
                    ], required: ["id", "organisation", "person", "role", "createdAt", "expiresAt"])),
            "LoginLink": object(["link": string, "expiresInSeconds": integer]),
            "ReplicaState": object(["source": string, "evidence": array(anyObject)]),
        ]
    }

    // MARK: - Parameters and answers used by many operations

    static var position: Schema { ["type": "integer", "minimum": 0, "maximum": Int64.max] }
    static func query(_ name: String, _ description: String, _ schema: Schema = position, required: Bool = false) -> Parameter {
        Parameter(name: name, location: "query", description: description, schema: schema, required: required)
    }
    static func path(_ name: String, _ description: String, _ schema: Schema = string) -> Parameter {
        Parameter(name: name, location: "path", description: description, schema: schema, required: true)
    }
    static var asOf: Parameter {
        query(
            "as_of", "A ledger position (size), a date (YYYY-MM-DD, end of day UTC) or an RFC 3339 time",
            [
                "anyOf": [
                    position, ["type": "string", "format": "date"], ["type": "string", "format": "date-time"],
                    ["type": "string", "maxLength": 0, "description": "Empty: now"],
                ]
            ])
    }
    static var chain: Parameter { query("chain", "Only this chain (empty: every chain)", string) }
    static var limit: Parameter { query("limit", "At most this many (at most 1000)") }

    static var badParameter: Answer { Answer("A parameter is not what it should be (the message says which)") }
    static var unknownChain: Answer { Answer("No such chain, or a moment beyond the log") }
    static func page(_ what: String, _ schema: String) -> [Int: Answer] { [200: .ok(.json(ref(schema)), what), 400: badParameter] }
    static func readModel(_ schema: String) -> [Int: Answer] {
        [200: .ok(.json(ref(schema))), 400: badParameter, 404: unknownChain]
    }
    static var page: [Int: Answer] {
        [
            200: .ok(.html, "The page"), 400: Answer("The page, saying that as_of is not a moment", .html),
            404: Answer("The page, saying that there is no such chain, KPI or decision, or that the moment is beyond the log", .html),
        ]
    }

    static var operations: [Operation] {
        [
            Operation(
                method: "get", path: "/health", summary: "Liveness and the ledger's size (no token needed)",
                responses: [200: .ok(.json(ref("Health")))], authenticated: false),
            Operation(method: "get", path: "/openapi.json", summary: "This document", responses: [200: .ok(.json(anyObject))]),
            Operation(method: "get", path: "/metrics", summary: "Prometheus metrics", responses: [200: .ok(.text("text/plain"))]),
            Operation(
                method: "post", path: "/api/commits", summary: "Submit a signed commit",
                responses: [
                    200: .ok(.json(ref("AppendReceipt")), "Already in the ledger: the original positions"),
                    201: .ok(.json(ref("AppendReceipt")), "Appended"), 400: Answer("Malformed commit or body"),
                    403: Answer("Signature or authorisation refused"), 409: Answer("Stream version conflict"),
                    405: Answer("A partner's read-only replica (serve --replica): submit to the coalition's server it names"),
                    413: Answer("Body or commit too large"), 422: Answer("A rule refused an event, or the commit broke an admission limit"),
                ],
                body: (
                    "application/json",
                    [
                        "type": "object", "required": ["signed", "signature"], "additionalProperties": false,
                        "description": "The commit document as signed, and its Ed25519 signature, both in standard padded base64",
                        "properties": [
                            "signed": [
                                "type": "string", "contentEncoding": "base64",
                                "pattern": "^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$",
                            ],
                            "signature": ["type": "string", "contentEncoding": "base64", "pattern": "^[A-Za-z0-9+/]{86}==$"],
                        ],
                    ]
                )),
            Operation(
                method: "get", path: "/api/commits", summary: "Commits as signed, from a position, paged (for replicas)",
                parameters: [
                    query("from", "First position (default 0)"), query("to", "Only commits that start before this position"),
                    query("limit", "At most this many (at most 1000; a page carries about 16 MiB of signed bytes)"),
                ], responses: page("A page of commits", "CommitPage")),
            Operation(
                method: "get", path: "/api/checkpoints", summary: "Every signed checkpoint from a size on, paged (for replicas)",
                parameters: [query("from", "First size (default 0)"), limit], responses: page("A page of checkpoints", "CheckpointPage")),
            Operation(
                method: "get", path: "/api/log", summary: "Entries from a position, paged",
                parameters: [query("from", "First position (default 0)"), limit], responses: page("A page of entries", "EntryPage")),
            Operation(
                method: "get", path: "/api/log/{position}", summary: "One entry", parameters: [path("position", "The entry's position", position)],
                responses: [200: .ok(.json(ref("Entry"))), 400: badParameter, 404: Answer("No such entry")]),
            Operation(
                method: "get", path: "/api/stream", summary: "One stream's entries",
                parameters: [
                    query("id", "The stream id", ["type": "string", "minLength": 1], required: true),
                    query("from_version", "First version (default 1)"), limit,
                ], responses: page("A page of the stream's entries, with its version", "EntryPage")),
            Operation(
                method: "get", path: "/api/follow", summary: "Server-sent events: entries from a position, then live; resumes after Last-Event-ID",
                parameters: [
                    query("from", "First position"), query("max", "Close after this many events"),
                    Parameter(
                        name: "Last-Event-ID", location: "header", description: "The last position received",
                        schema: ["type": "string", "pattern": "^[0-9]{1,18}$"]),
                ],
                responses: [
                    200: .ok(.events, "Each event's id is its position and its data the entry (as /api/log/{position})"), 400: badParameter,
                    429: Answer("This token already follows the log as often as it may (too-many-followers), or too many requests"),
                ]),
            Operation(
                method: "get", path: "/api/checkpoint", summary: "The latest signed checkpoint (C2SP tlog-checkpoint)",
                responses: [200: .ok(.text("text/plain"), "A signed note"), 404: Answer("No checkpoint yet")]),
            Operation(
                method: "get", path: "/api/proofs/inclusion", summary: "RFC 9162 inclusion proof",
                parameters: [query("position", "The entry", required: true), query("size", "Tree size (default: the log)")],
                responses: [200: .ok(.json(ref("InclusionProof"))), 400: badParameter, 404: Answer("The entry or size is beyond the log")]),
            Operation(
                method: "get", path: "/api/proofs/consistency", summary: "RFC 9162 consistency proof",
                parameters: [query("old", "The older size", required: true), query("new", "The newer size (default: the log)")],
                responses: [200: .ok(.json(ref("ConsistencyProof"))), 400: badParameter, 404: Answer("A size is beyond the log")]),
            Operation(
                method: "get", path: "/api/status", summary: "KPI trees with status and trend", parameters: [chain, asOf],
                responses: readModel("KpiTrees")),
            Operation(
                method: "get", path: "/api/kpis/{kpi}/measurements", summary: "Every value of a KPI, corrections included",
                parameters: [path("kpi", "The KPI id"), asOf], responses: readModel("Measurements")),
            Operation(
                method: "get", path: "/api/responsibilities", summary: "Owners (with history), reporters, parties, roles", parameters: [chain, asOf],
                responses: readModel("Responsibilities")),
            Operation(
                method: "get", path: "/api/agreements", summary: "Agreements, signatures and compliance", parameters: [chain, asOf],
                responses: readModel("Agreements")),
            Operation(
                method: "get", path: "/api/decisions", summary: "Dialogues, decisions and actions", parameters: [chain, asOf],
                responses: readModel("Dialogues")),
            Operation(
                method: "get", path: "/api/audit/{decision}", summary: "A decision's audit: then, now, corrections since",
                parameters: [path("decision", "The decision id")],
                responses: [200: .ok(.json(ref("Audit"))), 404: Answer("No such decision")]),
            Operation(
                method: "get", path: "/api/method-health", summary: "The method's silo warning signs", parameters: [chain, asOf],
                responses: readModel("MethodHealth")),
            Operation(
                method: "get", path: "/api/brief", summary: "The brief for a chain's next performance dialogue",
                parameters: [query("chain", "The chain", ["type": "string", "minLength": 1], required: true), asOf],
                responses: readModel("DialogueBrief")),
            Operation(
                method: "get", path: "/api/tokens", summary: "Issued access tokens (coordinators only)",
                responses: [200: .ok(.json(ref("Tokens"))), 403: Answer("Not a coordinator")]),
            Operation(
                method: "get", path: "/api/checkpoint/witnessed",
                summary: "The latest checkpoint that meets the witness policy, with the witnesses' cosignatures (a C2SP note)",
                responses: [
                    200: .ok(.text("text/plain"), "A signed note with cosignatures"),
                    404: Answer("No checkpoint has met the policy yet, or this server collects no cosignatures"),
                ]),
            Operation(
                method: "get", path: "/api/receipts/{commit}",
                summary: "C2SP tlog-proofs of a commit's first and last entries (every=true: each) against the witnessed checkpoint",
                parameters: [
                    path("commit", "The commit id (64 lower-case hexadecimal digits)", ["type": "string", "pattern": "^[0-9a-f]{64}$"]),
                    query("every", "true for a proof of every entry", boolean),
                ],
                responses: [
                    200: .ok(.json(ref("Receipt"))), 400: Answer("Not a commit id"), 404: Answer("No such commit"),
                    409: Answer("Not yet witnessed"),
                ]),
            Operation(
                method: "get", path: "/tiles/checkpoint", summary: "C2SP tlog-tiles: the latest checkpoint (cached 2 seconds)",
                responses: [200: .ok(.text("text/plain"), "A signed note"), 404: Answer("No checkpoint yet")]),
            Operation(
                method: "get", path: "/tiles/tile/**",
                summary: "C2SP tlog-tiles: a tile of hashes tile/<L>/<N>[.p/<W>] or an entry bundle tile/entries/<N>[.p/<W>] (immutable)",
                responses: [
                    200: .ok(.binary, "The tile"), 404: Answer("Not a tile path, or a tile the log has not reached"),
                    422: Answer("The bundle would hold an entry over 65,535 bytes"),
                ]),
            Operation(
                method: "get", path: "/api/replica",
                summary: "On a partner's replica: the coalition's server it mirrors and the evidence of misbehaviour it holds",
                responses: [200: .ok(.json(ref("ReplicaState"))), 404: Answer("Not a replica")]),
            Operation(
                method: "post", path: "/witness/add-checkpoint",
                summary: "C2SP tlog-witness, on a replica started with --witness-key: cosign a checkpoint that extends the last one cosigned",
                responses: [
                    200: .ok(.text("text/plain"), "The cosignature line"), 400: Answer("Not a valid request", .text("text/plain")),
                    403: Answer("Not signed by the log's key", .text("text/plain")), 404: Answer("An unknown log", .text("text/plain")),
                    409: Answer("The size the witness holds differs from old", .text("text/x.tlog.size")),
                    413: Answer("Body over 64 KiB", .text("text/plain")),
                    422: Answer("The consistency proof does not hold, or the checkpoint contradicts the replica", .text("text/plain")),
                    500: Answer("The witness could not keep its state", .text("text/plain")),
                    503: Answer("The witness is not ready", .text("text/plain")),
                ],
                body: ("text/plain", ["type": "string", "description": "old N, the consistency proof lines, a blank line and the checkpoint note"]),
                authenticated: false),
            Operation(
                method: "get", path: "/witness/{originHash}/checkpoint",
                summary: "C2SP tlog-witness, for monitors: the latest checkpoint this witness cosigned for a log",
                parameters: [path("originHash", "The hexadecimal SHA-256 of the log's origin")],
                responses: [
                    200: .ok(.text("text/plain"), "A signed note"), 404: Answer("Never cosigned a checkpoint of that log", .text("text/plain")),
                ],
                authenticated: false),
            Operation(method: "get", path: "/", summary: "Dashboard: coalition overview", parameters: [asOf], responses: page),
            Operation(
                method: "get", path: "/login", summary: "Dashboard: sign in with a one-time link, keeping its token in a cookie",
                parameters: [
                    query("code", "A one-time sign-in code (cll_…)", string), query("next", "The page to open (a path on this server)", string),
                ],
                responses: [
                    200: .ok(.html, "The sign-in form (no code given)"), 303: Answer("Signed in: to next", .none),
                    401: Answer("A code used already or expired", .html),
                ], authenticated: false),
            Operation(
                method: "post", path: "/login", summary: "Dashboard: sign in with a token from the form (token, next), keeping it in a cookie",
                responses: [
                    303: Answer("Signed in: to next", .none), 400: Answer("Not a form", .html),
                    401: Answer("Unknown, expired or revoked token", .html),
                ],
                body: (
                    "application/x-www-form-urlencoded",
                    ["type": "object", "required": ["token"], "properties": ["token": string, "next": string]]
                ), authenticated: false),
            Operation(
                method: "post", path: "/api/login-links", summary: "A one-time dashboard sign-in link for the bearer token (five minutes)",
                responses: [201: .ok(.json(ref("LoginLink")), "The link")]),
            Operation(
                method: "get", path: "/chains/{chain}", summary: "Dashboard: a chain's KPI tree", parameters: [path("chain", "The chain id"), asOf],
                responses: page),
            Operation(
                method: "get", path: "/chains/{chain}/brief", summary: "Dashboard: the brief for a chain's next performance dialogue",
                parameters: [path("chain", "The chain id"), asOf], responses: page),
            Operation(
                method: "get", path: "/kpis/{kpi}", summary: "Dashboard: a KPI's trend", parameters: [path("kpi", "The KPI id"), asOf],
                responses: page),
            Operation(
                method: "get", path: "/responsibilities", summary: "Dashboard: responsibilities over time", parameters: [asOf], responses: page),
            Operation(method: "get", path: "/agreements", summary: "Dashboard: agreements", parameters: [asOf], responses: page),
            Operation(method: "get", path: "/decisions", summary: "Dashboard: dialogues and decisions", parameters: [asOf], responses: page),
            Operation(
                method: "get", path: "/audit/{decision}", summary: "Dashboard: a decision's audit", parameters: [path("decision", "The decision id")],
                responses: page),
        ]
    }

    /// Answers every operation may give: to a request without a valid token (where one is
    /// needed), over a rate limit, over the connection limit, and to an undocumented method.
    static func common(authenticated: Bool, page: Bool) -> [Int: Answer] {
        var answers: [Int: Answer] = [
            429: Answer("Too many requests from this address or with this token (Retry-After says when to try again)"),
            503: Answer("Too many connections are open (too-many-connections), or the ledger is still being opened"),
        ]
        if authenticated { answers[401] = page ? Answer("Not signed in: the sign-in page", .html) : Answer("No valid token") }
        return answers
    }

    static func content(_ body: Answer.Body) -> [String: Any]? {
        switch body {
        case .none: nil
        case .json(let schema): ["application/json": ["schema": schema]]
        case .text(let type): [type: ["schema": string]]
        case .html: ["text/html": ["schema": string]]
        case .events:
            [
                "text/event-stream": [
                    "schema": object(
                        ["id": string, "data": ["type": "string", "contentMediaType": "application/json"], "event": string],
                        required: ["data"])
                ]
            ]
        case .binary: ["application/octet-stream": ["schema": ["type": "string", "contentMediaType": "application/octet-stream"]]]
        }
    }

    /// The methods documented for each path, for the 405 answer's `Allow` header.
    static let methodsByPath: [String: Set<String>] = Dictionary(operations.map { ($0.path, [$0.method.uppercased()]) }) { $0.union($1) }

    /// The document of a server without a witness, and of one with (a replica started with
    /// `--witness-key`), which also serves the `/witness/` routes.
    static let json = document(witness: false), jsonWithWitness = document(witness: true)

    static func document(witness: Bool) -> String {
        var paths: [String: [String: Any]] = [:]
        for operation in operations where witness || !operation.path.hasPrefix("/witness/") {
            let answers = operation.responses.merging(common(authenticated: operation.authenticated, page: operation.isPage)) { own, _ in own }
            var entry: [String: Any] = [
                "summary": operation.summary,
                "responses": Dictionary(
                    uniqueKeysWithValues: answers.map { status, answer in
                        var response: [String: Any] = ["description": answer.description]
                        if let content = content(answer.body) { response["content"] = content }
                        return ("\(status)", response)
                    }),
            ]
            if !operation.parameters.isEmpty {
                entry["parameters"] = operation.parameters.map {
                    ["name": $0.name, "in": $0.location, "description": $0.description, "required": $0.required, "schema": $0.schema] as [String: Any]
                }
            }
            if let body = operation.body {
                entry["requestBody"] = ["required": true, "content": [body.type: ["schema": body.schema]]]
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
            "components": ["securitySchemes": ["token": ["type": "http", "scheme": "bearer"]], "schemas": schemas],
            "security": [["token": []]],
            "paths": paths,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

import ChainProjections
import Hummingbird
import NIOCore

/// The read models, each as of any moment (`as_of`), cached by the moment they answer for.
extension APIRoutes {
    func status(request: Request, context: LedgerRequestContext) async throws -> Response {
        try await readModel(request, context) { models, asOf, chain in
            if let chain {
                let body = try await service.kpiTreeBody(chain: chain, asOf: asOf, in: models)
                service.hotChains.insert(chain)
                return body
            }
            return try JSON.bytes(try await models.kpiTrees(asOf: asOf))
        }
    }

    func measurements(request: Request, context: LedgerRequestContext) async throws -> Response {
        let kpi = context.parameters.get("kpi") ?? ""
        return try await readModel(request, context) { models, asOf, _ in
            try JSON.bytes(try await models.measurements(kpi: kpi, asOf: asOf))
        }
    }

    func responsibilities(request: Request, context: LedgerRequestContext) async throws -> Response {
        try await readModel(request, context) { models, asOf, chain in
            try JSON.bytes(try await models.responsibilities(chain: chain, asOf: asOf))
        }
    }

    func agreements(request: Request, context: LedgerRequestContext) async throws -> Response {
        try await readModel(request, context) { models, asOf, chain in
            try JSON.bytes(try await models.agreements(chain: chain, asOf: asOf))
        }
    }

    func decisions(request: Request, context: LedgerRequestContext) async throws -> Response {
        try await readModel(request, context) { models, asOf, chain in
            try JSON.bytes(try await models.dialogues(chain: chain, asOf: asOf))
        }
    }

    func audit(request: Request, context: LedgerRequestContext) async throws -> Response {
        let decision = context.parameters.get("decision") ?? ""
        return try await readModel(request, context) { models, _, _ in
            try JSON.bytes(try await models.audit(decision: decision))
        }
    }

    func health(request: Request, context: LedgerRequestContext) async throws -> Response {
        try await readModel(request, context) { models, asOf, chain in
            try JSON.bytes(try await models.health(chain: chain, asOf: asOf))
        }
    }

    func brief(request: Request, context: LedgerRequestContext) async throws -> Response {
        guard request.uri.queryParameters.get("chain").map({ !$0.isEmpty }) == true else {
            _ = try context.requireReader()
            throw APIError(.badRequest, "missing-parameter", "the brief is about one chain: give ?chain=street-to-home")
        }
        return try await readModel(request, context) { models, asOf, chain in
            try JSON.bytes(try await models.brief(chain: chain ?? "", asOf: asOf))
        }
    }

    /// One read-model request: any member may read; `as_of` and `chain` come from the query
    /// (empty, as a form sends them, means now and every chain); an unknown chain or a position beyond the log is a 404. The moment is resolved first and
    /// the answer cached under it: the log only grows, so an answer about a moment never changes.
    private func readModel(
        _ request: Request, _ context: LedgerRequestContext,
        _ answer: @escaping @Sendable (ReadModels, AsOf, String?) async throws -> ByteBuffer
    ) async throws -> Response {
        let identity = try context.requireReader()
        let asOf = try Query.asOf(request)
        let models = try await service.currentReadModels(for: identity.token, asOf: asOf)
        let chain = request.uri.queryParameters.get("chain").flatMap { $0.isEmpty ? nil : String($0) }
        do {
            let moment = try await service.resolve(asOf, in: models)
            let key = ResponseKey(path: request.uri.path, chain: chain, moment: moment)
            if let cached = service.responses[key] { return JSON.response(bytes: cached) }
            let body = try await service.answering.run(key.description) { [service] in
                let body = try await answer(models, .moment(moment), chain)
                service.responses[key] = body
                return body
            }
            return JSON.response(bytes: body)
        } catch let error as ReadModelError {
            throw APIError(.notFound, "not-found", error.description)
        }
    }
}

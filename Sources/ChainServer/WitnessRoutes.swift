import Foundation
public import Hummingbird
public import LedgerWitness
public import Logging
import NIOCore

/// The witness's HTTP interface (C2SP tlog-witness): `POST /add-checkpoint` and, for monitors,
/// `GET /<origin hash>/checkpoint`. No token: the protocol authenticates the checkpoint's
/// signature, not the caller.
struct WitnessRoutes {
    let witness: Witness

    /// A request body larger than this is refused: 63 proof lines and a note with many signatures
    /// fit in far less.
    static let maximumBody = 64 << 10

    /// Registers the routes under `prefix` (the witness's submission and monitoring prefix).
    func register<Context: RequestContext>(on router: Router<Context>, prefix: String? = nil) {
        let router = prefix.map { router.group(RouterPath($0)) } ?? router.group()
        router.post("add-checkpoint") { request, _ -> Response in
            var request = request
            let body: ByteBuffer
            do {
                body = try await request.collectBody(upTo: Self.maximumBody)
            } catch {
                return Self.plain(.contentTooLarge, "a request may hold at most \(Self.maximumBody) bytes\n", type: "text/plain; charset=utf-8")
            }
            let answer = await witness.addCheckpoint(Array(body.readableBytesView))
            return Self.plain(HTTPResponse.Status(code: answer.status), answer.body, type: answer.contentType)
        }
        router.get("{originHash}/checkpoint") { _, context -> Response in
            let hash = context.parameters.get("originHash") ?? ""
            guard let note = try await witness.latest(originHash: hash) else {
                return Self.plain(.notFound, "this witness never cosigned a checkpoint of that log\n", type: "text/plain; charset=utf-8")
            }
            return Self.plain(.ok, note, type: "text/plain; charset=utf-8")
        }
    }

    static func plain(_ status: HTTPResponse.Status, _ text: String, type: String) -> Response {
        Response(status: status, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// A standalone witness server (`chainledger witness serve`), ready to run or to test;
/// `onServerRunning` hears the port it listens on.
public func buildWitnessApplication(
    witness: Witness, settings: ServerSettings, logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let router = Router()
    router.add(middleware: LogRequestsMiddleware(.debug))
    router.get("health") { _, _ in "ok\n" }
    WitnessRoutes(witness: witness).register(on: router)
    return Application(
        router: router, server: settings.server(logger: logger), configuration: settings.configuration,
        onServerRunning: { await onServerRunning($0.localAddress?.port ?? 0) }, logger: logger)
}

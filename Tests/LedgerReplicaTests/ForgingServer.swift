import Hummingbird
import HummingbirdTesting
import NIOCore

/// A server that answers `/api/checkpoint` with a note it was given, and nothing else.
enum ForgingServer {
    static func serving(checkpoint note: String, _ body: @Sendable @escaping (Int) async throws -> Void) async throws {
        let router = Router()
        router.get("api/checkpoint") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: note)))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in try await body(client.port!) }
    }
}

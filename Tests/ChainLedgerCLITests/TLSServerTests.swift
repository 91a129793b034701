import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import Testing

/// `chainledger serve --tls-cert FILE --tls-key FILE`: HTTPS that a client trusting the
/// certificate's issuer accepts, nothing in plain HTTP, and files that cannot serve TLS refused
/// before the server listens.
struct TLSServerTests {
    static let fixtures = CLIHarness.repositoryRoot.appendingPathComponent("Fixtures/tls")
    static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

    @Test func theServerSpeaksHTTPSWithTheGivenCertificate() async throws {
        let cli = try DomainCommandTests.sample()
        let token = try cli.ok([
            "token", "issue", "--ledger", "hf.db", "--org", "stichting-opvang-heuvelstad", "--person", "intake-lead", "--role", "member",
        ]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let (server, url) = try ServerCommandTests.serve(
            cli, ["--ledger", "hf.db", "--tls-cert", Self.fixture("server.pem"), "--tls-key", Self.fixture("server.key")])
        defer {
            server.interrupt()
            server.waitUntilExit()
        }
        let secure = url.replacingOccurrences(of: "http://", with: "https://")

        var trusting = TLSConfiguration.makeClientConfiguration()
        trusting.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(Self.fixture("test-ca.pem")))
        try await Self.withClient(trusting) { client in
            let health = try await client.execute(HTTPClientRequest(url: secure + "/health"), timeout: .seconds(10))
            #expect(health.status == .ok)
            let body = String(buffer: try await health.body.collect(upTo: 1 << 16))
            #expect(body.contains("\"status\":\"ok\""), "\(body)")
            var request = HTTPClientRequest(url: secure + "/api/checkpoint")
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            let checkpoint = try await client.execute(request, timeout: .seconds(10))
            #expect(checkpoint.status == .ok)
            #expect(String(buffer: try await checkpoint.body.collect(upTo: 1 << 16)).contains("\n— "), "a signed note came back")
        }
        try await Self.withClient(.makeClientConfiguration()) { untrusting in
            // A client that does not trust the issuer refuses the connection.
            await #expect(throws: (any Error).self) {
                _ = try await untrusting.execute(HTTPClientRequest(url: secure + "/health"), timeout: .seconds(10))
            }
            // Plain HTTP to the TLS port gets no HTTP answer.
            await #expect(throws: (any Error).self) {
                _ = try await untrusting.execute(HTTPClientRequest(url: url + "/health"), timeout: .seconds(10))
            }
        }
    }

    /// Runs `body` with a client of this TLS configuration, and shuts the client down after it.
    static func withClient(_ tls: TLSConfiguration, _ body: (HTTPClient) async throws -> Void) async throws {
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
        do {
            try await body(client)
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    @Test func filesThatCannotServeTLSAreRefusedBeforeListening() throws {
        let cli = try DomainCommandTests.sample()
        let cases: [([String], String)] = [
            (["--tls-cert", Self.fixture("server.pem")], "--tls-cert and --tls-key go together"),
            (["--tls-cert", Self.fixture("missing.pem"), "--tls-key", Self.fixture("server.key")], "cannot read the certificate chain in"),
            (["--tls-cert", Self.fixture("server.key"), "--tls-key", Self.fixture("server.key")], "cannot read the certificate chain in"),
            (["--tls-cert", Self.fixture("server.pem"), "--tls-key", Self.fixture("server.pem")], "cannot read the private key in"),
            (["--tls-cert", Self.fixture("server.pem"), "--tls-key", Self.fixture("other.key")], "does not fit the certificate"),
        ]
        for (options, message) in cases {
            let refused = try cli.run(["serve", "--ledger", "hf.db", "--port", "0"] + options)
            #expect(refused.status != 0 && refused.stderr.contains(message), "\(options): \(refused.stderr)")
        }
    }
}

import ChainServer
import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerCore
import Logging
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A plain TCP connection to the server, as a misbehaving client holds one.
final class RawConnection: @unchecked Sendable {
    let socket: Int32

    init(port: Int) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    deinit { close(socket) }

    func send(_ text: String) {
        _ = text.withCString { Glibc.send(socket, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
    }

    /// What the server sends until it closes the connection, or `nil` if it is still open after
    /// `seconds`. The waiting is done on a Dispatch thread: the server under test runs its
    /// handlers on the threads of Swift's cooperative pool, which a blocked test would hold.
    func readUntilClosed(within seconds: Double) async -> String? {
        let (text, closed) = await read(for: seconds)
        return closed ? text : nil
    }

    /// What the server sends within `seconds` (or until it closes the connection, sooner), and
    /// whether it closed it.
    func read(for seconds: Double) async -> (text: String, closed: Bool) {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: self.blockingRead(within: seconds)) }
        }
    }

    private func blockingRead(within seconds: Double) -> (text: String, closed: Bool) {
        var received: [UInt8] = []
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            var poller = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 50) > 0 else { continue }
            let count = recv(socket, &buffer, buffer.count, 0)
            if count <= 0 { return (String(decoding: received, as: UTF8.self), true) }
            received += buffer[0..<count]
        }
        return (String(decoding: received, as: UTF8.self), false)
    }
}

/// Clients without a token cannot exhaust the server: idle and slow connections are closed, a
/// connection over the limit is refused with 503, and requests over a client's rate get 429.
@Suite(.serialized) struct ConnectionLimitTests {
    static let limits = ConnectionLimits(idleTimeout: .seconds(1), headerTimeout: .seconds(1), bodyTimeout: .seconds(1), maxConnections: 4)

    func serving(_ requests: RequestLimits = .none, _ body: @escaping @Sendable (Int, ServerFixture) async throws -> Void) async throws {
        let fixture = try await ServerFixture.make()
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let app = buildApplication(
            service: fixture.service, settings: ServerSettings(host: "127.0.0.1", port: 0, connections: Self.limits, requests: requests),
            logger: logger)
        try await app.test(.live) { client in try await body(client.port!, fixture) }
    }

    @Test func idleAndSlowConnectionsAreClosed() async throws {
        try await serving { port, _ in
            // Connected, nothing sent.
            let idle = try RawConnection(port: port)
            #expect(await idle.readUntilClosed(within: 5) == "")
            // Headers a few bytes at a time (slowloris): closed once the header time is up.
            let slow = try RawConnection(port: port)
            slow.send("GET /health HTTP/1.1\r\nHost: x\r\n")
            let start = Date()
            var closed = false
            while Date().timeIntervalSince(start) < 5, !closed {
                slow.send("X")
                closed = await slow.readUntilClosed(within: 0.3) != nil
            }
            #expect(closed && Date().timeIntervalSince(start) < 4)
            // A body trickled a byte at a time: closed once the body time is up, never handled.
            let trickle = try RawConnection(port: port)
            trickle.send("POST /api/commits HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n")
            let bodyStart = Date()
            var answer: String?
            while Date().timeIntervalSince(bodyStart) < 5, answer == nil {
                trickle.send("{")
                answer = await trickle.readUntilClosed(within: 0.3)
            }
            #expect(answer == "" && Date().timeIntervalSince(bodyStart) < 4)
            // A prompt client is served as before, and its idle keep-alive connection closed.
            let prompt = try RawConnection(port: port)
            prompt.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            let asked = Date()
            let reply = await prompt.readUntilClosed(within: 10)
            #expect(reply?.hasPrefix("HTTP/1.1 200") == true, "\(reply ?? "still open") after \(Date().timeIntervalSince(asked))")
        }
    }

    @Test func connectionsOverTheLimitAreRefused() async throws {
        try await serving { port, _ in
            let held = try (0..<4).map { _ in try RawConnection(port: port) }
            try await Task.sleep(for: .milliseconds(200))
            let over = try RawConnection(port: port)
            over.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            let refusal = await over.readUntilClosed(within: 5) ?? "still open"
            #expect(refusal.hasPrefix("HTTP/1.1 503"), "\(refusal)")
            #expect(refusal.contains("\"too-many-connections\"") && refusal.contains("--max-connections"))
            // Once the held ones are closed (by the server, idle), a new connection is served.
            for connection in held { _ = await connection.readUntilClosed(within: 5) }
            try await Task.sleep(for: .milliseconds(200))
            let later = try RawConnection(port: port)
            later.send("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let served = await later.readUntilClosed(within: 5) ?? "still open"
            #expect(served.hasPrefix("HTTP/1.1 200"), "\(served)")
        }
    }

    @Test func requestsOverAClientsRateGet429() async throws {
        // Buckets that refill once a minute: a slow, loaded machine cannot earn a request back mid-test.
        let limits = RequestLimits(perAddress: .init(perSecond: 1.0 / 60, burst: 30), perToken: .init(perSecond: 1.0 / 60, burst: 3))
        try await serving(limits) { port, fixture in
            let client = HTTPClientForTests(port: port)
            // The token's burst, then 429 with Retry-After; another token still gets through.
            for _ in 0..<3 {
                let answer = try await client.get("/api/checkpoint", token: fixture.auditor)
                #expect(answer.status == 200, "\(answer)")
            }
            let limited = try await client.get("/api/checkpoint", token: fixture.auditor)
            #expect(limited.status == 429 && limited.retryAfter != nil && limited.body.contains("--requests-per-token"), "\(limited)")
            #expect(try await client.get("/api/checkpoint", token: fixture.shelter).status == 200)
            // The address's burst: without a token too, then 429 before the token is looked up.
            var statuses: [Int] = []
            for _ in 0..<30 { statuses.append(try await client.get("/health", token: nil).status) }
            #expect(statuses.contains(429) && statuses.prefix(20).allSatisfy { $0 == 200 }, "\(statuses)")
            let flood = try await client.get("/api/checkpoint", token: "clt_nonsense")
            #expect(flood.status == 429 && flood.body.contains("--requests-per-address"), "\(flood)")
        }
    }
}

extension ConnectionLimitTests {
    @Test func followersOverATokensLimitGet429() async throws {
        try await serving(RequestLimits(perAddress: nil, perToken: nil, followersPerToken: 2)) { port, fixture in
            let size = try await fixture.service.store.size()
            func follow(_ token: String) throws -> RawConnection {
                let connection = try RawConnection(port: port)
                connection.send("GET /api/follow?from=\(size) HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(token)\r\n\r\n")
                return connection
            }
            var open = [try follow(fixture.auditor), try follow(fixture.auditor)]
            for connection in open {
                let (head, closed) = await connection.read(for: 0.5)
                #expect(head.hasPrefix("HTTP/1.1 200") && !closed, "\(head)")
            }
            let client = HTTPClientForTests(port: port)
            let third = try await client.get("/api/follow?from=\(size)", token: fixture.auditor)
            #expect(third.status == 429 && third.body.contains("too-many-followers"), "\(third)")
            // Another token is counted apart; a stream closed gives its place back.
            let other = try follow(fixture.shelter)
            #expect(await other.read(for: 0.5).text.hasPrefix("HTTP/1.1 200"))
            open.removeFirst()
            // The server finds the hang-up at its next keep-alive (every 5 s while idle).
            var statuses: [Int] = []
            for _ in 0..<10 where statuses.last != 200 {
                try await Task.sleep(for: .seconds(1))
                statuses.append(try await client.get("/api/follow?from=\(size)&max=0", token: fixture.auditor).status)
            }
            #expect(statuses.last == 200 && statuses.dropLast().allSatisfy { $0 == 429 }, "\(statuses)")
            _ = open
        }
    }
}

/// One request per connection over a raw socket, read whole.
struct HTTPClientForTests {
    struct Answer: CustomStringConvertible {
        let status: Int
        let retryAfter: String?
        let body: String
        var description: String { "\(status) \(body)" }
    }

    let port: Int

    func get(_ path: String, token: String?) async throws -> Answer {
        let connection = try RawConnection(port: port)
        let authorization = token.map { "Authorization: Bearer \($0)\r\n" } ?? ""
        connection.send("GET \(path) HTTP/1.1\r\nHost: x\r\n\(authorization)Connection: close\r\n\r\n")
        let text = await connection.readUntilClosed(within: 5) ?? ""
        let head = text.components(separatedBy: "\r\n\r\n").first ?? ""
        let lines = head.components(separatedBy: "\r\n")
        let status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        let retryAfter = lines.first { $0.lowercased().hasPrefix("retry-after:") }.map {
            String($0.dropFirst(12)).trimmingCharacters(in: .whitespaces)
        }
        return Answer(status: status, retryAfter: retryAfter, body: text.components(separatedBy: "\r\n\r\n").dropFirst().joined())
    }
}

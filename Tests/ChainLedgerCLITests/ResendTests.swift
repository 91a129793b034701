import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A proxy in front of a server that forwards each request and, for the first `drop` commit
/// submissions, closes the connection instead of passing the answer back: the server committed,
/// the client never heard.
final class LossyProxy: @unchecked Sendable {
    let port: Int
    private let upstream: Int
    private let listener: Int32
    private let lock = NSLock()
    private var drop: Int
    private(set) var dropped = 0

    init(upstream: Int, drop: Int) throws {
        self.upstream = upstream
        self.drop = drop
        let listening = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = Self.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(listening, pointer, length) == 0 && listen(listening, 16) == 0 && getsockname(listening, pointer, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        listener = listening
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in
            while true {
                let client = accept(listener, nil, nil)
                if client < 0 { return }
                Thread.detachNewThread { self.serve(client) }
            }
        }
    }

    deinit {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    var droppedCount: Int { lock.withLock { dropped } }

    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    private func serve(_ client: Int32) {
        defer { close(client) }
        guard let received = Self.readRequest(client), let headEnd = received.firstRange(of: Array("\r\n\r\n".utf8)) else { return }
        // One request per upstream connection, which the server then closes.
        let lines = String(decoding: received[..<headEnd.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
            .filter { !$0.lowercased().hasPrefix("connection:") }
        let request = Array((lines + ["Connection: close", "", ""]).joined(separator: "\r\n").utf8) + received[headEnd.upperBound...]
        let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(server) }
        var address = Self.loopback(port: upstream)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return }
        Self.write(server, request)
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(server, &buffer, buffer.count, 0)
            if count <= 0 { break }
            answer += buffer[0..<count]
        }
        let isSubmission = request.starts(with: Array("POST /api/commits".utf8))
        let dropping =
            isSubmission
            && lock.withLock {
                guard drop > 0 else { return false }
                drop -= 1
                dropped += 1
                return true
            }
        if !dropping { Self.write(client, answer) }
    }

    private static func write(_ socket: Int32, _ bytes: [UInt8]) {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count <= 0 { return }
            sent += count
        }
    }

    /// The request's head and its body (by Content-Length).
    private static func readRequest(_ socket: Int32) -> [UInt8]? {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            if let end = bytes.firstRange(of: Array("\r\n\r\n".utf8)) {
                let head = String(decoding: bytes[..<end.lowerBound], as: UTF8.self).lowercased()
                let length =
                    head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst(15).trimmingCharacters(in: .whitespaces)) } ?? 0
                if bytes.count >= end.upperBound + length { return bytes }
            }
            let count = recv(socket, &buffer, buffer.count, 0)
            if count <= 0 { return nil }
            bytes += buffer[0..<count]
        }
    }
}

/// When the server committed but its answer was lost, the CLI sends the same signed bytes again
/// and says what happened; when no answer comes at all, it says the outcome is unknown and keeps
/// the signed commit for `submit`.
struct ResendTests {
    @Test func aLostAnswerIsSentAgainAndAnUnknownOutcomeSaidSo() throws {
        let cli = try DomainCommandTests.sample()
        let token = try cli.ok([
            "token", "issue", "--ledger", "hf.db", "--org", "stichting-opvang-heuvelstad", "--person", "intake-lead", "--role", "member",
        ]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let (server, url) = try ServerCommandTests.serve(cli, "hf.db")
        defer {
            server.interrupt()
            server.waitUntilExit()
        }
        let upstream = Int(url.split(separator: ":").last!)!
        func record(through proxy: LossyProxy, period: String) throws -> CLIHarness.Output {
            try cli.run([
                "record", "--server", "http://127.0.0.1:\(proxy.port)", "--token", token, "--org", "stichting-opvang-heuvelstad",
                "--key", "keys/stichting-opvang-heuvelstad.key", "--kpi", "intake-14d", "--period", period, "--value", "91",
            ])
        }
        func size() throws -> Int {
            Int(try cli.ok(["checkpoint", "--ledger", "hf.db"]).stdout.split(separator: "\n")[1])!
        }

        // The first answer is lost: sent again, the server says it holds it, nothing is doubled.
        let before = try size()
        let once = try LossyProxy(upstream: upstream, drop: 1)
        let resent = try record(through: once, period: "2024-01")
        #expect(resent.status == 0, "\(resent.stderr)")
        #expect(once.droppedCount == 1)
        #expect(resent.stderr.contains("sending the same signed commit again") && resent.stderr.contains("already held commit"), "\(resent.stderr)")
        #expect(resent.json["duplicate"] as? Bool == true && resent.json["first"] as? Int == before)
        #expect(try size() == before + 1)

        // No answer ever: the outcome is unknown (exit 75), the signed commit kept; `submit`
        // sends it again unchanged, and the ledger already holds it.
        let never = try LossyProxy(upstream: upstream, drop: 100)
        let unknown = try record(through: never, period: "2024-02")
        #expect(unknown.status == 75, "\(unknown.stderr)")
        #expect(unknown.stderr.contains("the outcome is unknown") && unknown.stderr.contains("Do not run the command again"), "\(unknown.stderr)")
        let kept = try #require(
            unknown.stderr.range(of: #"commit-[0-9a-f]{64}\.json"#, options: .regularExpression).map { String(unknown.stderr[$0]) })
        #expect(try size() == before + 2, "every attempt reached the server; one was appended")
        let submitted = try cli.run(["submit", kept, "--server", url, "--token", token])
        #expect(submitted.status == 0 && submitted.json["duplicate"] as? Bool == true, "\(submitted.stderr)")
        #expect(submitted.stderr.contains("already held commit"))
        #expect(try size() == before + 2)

        // A kept file that is not a signed commit is refused and changes nothing.
        try cli.write("broken.json", #"{"signed":"AAA","signature":"AAA="}"#)
        let broken = try cli.run(["submit", "broken.json", "--server", url, "--token", token])
        #expect(broken.status == 1 && broken.stderr.contains("is not a signed commit"), "\(broken.stderr)")
        #expect(try size() == before + 2)
    }
}

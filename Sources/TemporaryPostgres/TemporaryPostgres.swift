package import Foundation

/// A throwaway PostgreSQL server for tests and benchmarks: `initdb` into a temporary folder, a
/// free port on loopback, trust authentication, and a watchdog that stops the server and removes
/// the folder when the process that started it ends. Needs the PostgreSQL server binaries
/// (Debian: `apt-get install postgresql`); when run as root, the server runs as the `postgres`
/// user, since PostgreSQL refuses to run as root.
package final class TemporaryPostgres: Sendable {
    package let port: Int
    package let folder: URL
    package let user = "chainledger"
    let binaries: URL

    /// Whether the server binaries are installed (tests that need them are skipped otherwise).
    package static var isInstalled: Bool { binaryFolder() != nil }

    /// One server per process, started on first use.
    package static func shared() async throws -> TemporaryPostgres {
        try await sharedServer.value
    }

    private static let sharedServer = Task { try TemporaryPostgres() }

    /// Starts a server.
    package init() throws {
        guard let binaries = Self.binaryFolder() else {
            throw TemporaryPostgresError("the PostgreSQL server binaries are not installed (Debian: apt-get install postgresql)")
        }
        self.binaries = binaries
        folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("chainledger-postgres-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        port = try Self.freePort()
        if Self.asRoot {
            try FileManager.default.setAttributes([.ownerAccountName: "postgres"], ofItemAtPath: folder.path)
        }
        let data = folder.appendingPathComponent("data").path
        try run("initdb", ["-D", data, "-A", "trust", "-U", user, "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"])
        try run(
            "pg_ctl",
            [
                "-D", data, "-l", folder.appendingPathComponent("server.log").path, "-w", "-o",
                "-p \(port) -k \(folder.path) -c listen_addresses=127.0.0.1 -c max_connections=200", "start",
            ])
        try startWatchdog(data: data)
    }

    /// A URL for a database of this server.
    package func url(database: String) -> String { "postgres://\(user)@127.0.0.1:\(port)/\(database)?sslmode=disable" }

    /// Creates a new, empty database and returns its URL.
    package func createDatabase(_ name: String = "ledger_\(UUID().uuidString.prefix(8).lowercased())") throws -> String {
        try run("createdb", ["-h", "127.0.0.1", "-p", "\(port)", "-U", user, name])
        return url(database: name)
    }

    /// Runs SQL through `psql` as `role` (default: the superuser); returns its output.
    @discardableResult
    package func psql(_ database: String, _ sql: String, as role: String? = nil) throws -> String {
        try run(
            "psql",
            ["-h", "127.0.0.1", "-p", "\(port)", "-U", role ?? user, "-d", database, "-v", "ON_ERROR_STOP=1", "-X", "-q", "-t", "-A", "-c", sql])
    }

    /// Stops the server now and removes its folder.
    package func stop() {
        _ = try? run("pg_ctl", ["-D", folder.appendingPathComponent("data").path, "-m", "immediate", "stop"])
        try? FileManager.default.removeItem(at: folder)
    }

    // MARK: - Processes

    private static var asRoot: Bool { getuid() == 0 }

    /// Runs a PostgreSQL tool and waits for it; returns what it printed. Spawned directly rather
    /// than with Foundation's `Process`, whose wait also waits for every descendant that inherited
    /// its bookkeeping descriptor: `pg_ctl start` leaves the server running.
    @discardableResult
    private func run(_ name: String, _ arguments: [String]) throws -> String {
        let executable = binaries.appendingPathComponent(name).path
        let tool = Self.asRoot ? ["/usr/sbin/runuser", "-u", "postgres", "--", executable] + arguments : [executable] + arguments
        // The shell closes every descriptor above 2 first, so the server keeps none of ours open.
        let closeInherited = #"for fd in /proc/self/fd/*; do n=${fd##*/}; [ "$n" -gt 2 ] && eval "exec $n>&-" 2>/dev/null; done; exec "$@""#
        let command = ["/bin/bash", "-c", closeInherited, "bash"] + tool
        let output = folder.appendingPathComponent("\(name)-\(UUID().uuidString.prefix(8)).out").path
        guard FileManager.default.createFile(atPath: output, contents: nil) else { throw TemporaryPostgresError("cannot write \(output)") }
        defer { try? FileManager.default.removeItem(atPath: output) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_APPEND, 0)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var pid: pid_t = 0
        let argv = command.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let spawned = posix_spawn(&pid, command[0], &actions, nil, argv, environ)
        guard spawned == 0 else { throw TemporaryPostgresError("cannot start \(executable): error \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let printed = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else {
            throw TemporaryPostgresError("\(executable) failed: \(printed)")
        }
        return printed
    }

    /// A shell that waits for this process to end, then stops the server and removes the folder.
    private func startWatchdog(data: String) throws {
        let stop = (Self.asRoot ? "/usr/sbin/runuser -u postgres -- " : "") + "\(binaries.path)/pg_ctl -D '\(data)' -m immediate stop"
        let script = "while kill -0 \(getpid()) 2>/dev/null; do sleep 0.5; done; \(stop) >/dev/null 2>&1; rm -rf '\(folder.path)'"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    static func binaryFolder() -> URL? {
        let candidates =
            ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .compactMap(Int.init).sorted(by: >).map { "/usr/lib/postgresql/\($0)/bin" }
            + (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        return candidates.first {
            FileManager.default.isExecutableFile(atPath: "\($0)/initdb") && FileManager.default.isExecutableFile(atPath: "\($0)/pg_ctl")
        }
        .map { URL(fileURLWithPath: $0) }
    }

    private static func freePort() throws -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw TemporaryPostgresError("no socket for finding a free port") }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
        }
        guard bound else { throw TemporaryPostgresError("cannot find a free port on loopback") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

package struct TemporaryPostgresError: Error, CustomStringConvertible {
    package let description: String
    init(_ description: String) { self.description = description }
}

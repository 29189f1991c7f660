import ThrumTestSupport
import FoundationEssentials
import ThrumSystem
#if canImport(Glibc)
import Glibc
#endif

/// One real `thrum daemon start` process in its own temporary state folder,
/// plus a way to run CLI commands against it.
final class DaemonFixture: @unchecked Sendable {
    let directory: String
    let stateDirectory: String
    let socketPath: String
    var extraEnvironment: [String: String]
    private(set) var process: TestProcess?

    init(name: String = "d", environment: [String: String] = [:], directory: String? = nil) {
        self.directory = directory ?? TestFiles.temporaryDirectory("thrum-\(name)")
        stateDirectory = self.directory + "/state-\(name)"
        socketPath = self.directory + "/\(name).sock"
        extraEnvironment = environment
    }

    /// The environment every process of this fixture gets: nothing from /etc,
    /// logs on stderr.
    var environment: [String: String] {
        var env: [String: String] = [
            "PATH": "/usr/bin:/bin",
            "THRUM_STATE_DIR": stateDirectory,
            "THRUM_SOCKET": socketPath,
            "THRUM_CONFIG": directory + "/thrum.env",
            "THRUM_LOG": "stderr",
        ]
        for (k, v) in extraEnvironment { env[k] = v }
        return env
    }

    /// Starts the daemon and waits until its control socket answers.
    @discardableResult
    func start(timeout: Duration = .seconds(20)) throws -> TestProcess {
        let p = try TestProcess(ThrumBinary.path, ["daemon", "start"], environment: environment, outputDirectory: directory)
        process = p
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard p.isRunning else { throw TestFailure("daemon exited early: \(p.stderr)") }
            if try cli(["status", "--json"]).code == 0 { return p }
            usleep(20_000)
        }
        throw TestFailure("daemon did not answer within \(timeout): \(p.stderr)")
    }

    /// SIGTERM and wait; returns the exit code.
    @discardableResult
    func stop() throws -> Int32 {
        guard let p = process else { return 0 }
        p.signal(SIGTERM)
        defer { process = nil }
        return try p.wait(timeout: .seconds(20))
    }

    func kill9() throws {
        guard let p = process else { return }
        p.signal(SIGKILL)
        try p.wait()
        process = nil
    }

    struct Result {
        let code: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs `thrum ARGS` against this daemon.
    func cli(_ arguments: [String], agent: String? = nil, stdin: String? = nil,
             environment extra: [String: String] = [:]) throws -> Result {
        var env = environment
        if let agent { env["THRUM_AGENT"] = agent }
        for (k, v) in extra { env[k] = v }
        let p = try TestProcess(ThrumBinary.path, arguments, environment: env, stdin: stdin, outputDirectory: directory)
        let code = try p.wait()
        return Result(code: code, stdout: p.stdout, stderr: p.stderr)
    }

    /// Runs a CLI command that must succeed, returning its stdout.
    @discardableResult
    func ok(_ arguments: [String], agent: String? = nil, stdin: String? = nil) throws -> String {
        let r = try cli(arguments, agent: agent, stdin: stdin)
        guard r.code == 0 else { throw TestFailure("thrum \(arguments.joined(separator: " ")) exited \(r.code): \(r.stderr)") }
        return r.stdout
    }

    /// Starts `thrum ARGS` as `agent` without waiting for it (e.g. a `thrum wait`).
    func spawn(_ arguments: [String], agent: String) throws -> TestProcess {
        var env = environment
        env["THRUM_AGENT"] = agent
        return try TestProcess(ThrumBinary.path, arguments, environment: env, outputDirectory: directory)
    }

    /// Decodes the JSON stdout of a CLI command.
    func json<T: Decodable>(_ type: T.Type, _ arguments: [String], agent: String? = nil) throws -> T {
        let out = try ok(arguments + ["--json"], agent: agent)
        return try JSONDecoder().decode(T.self, from: Data(out.utf8))
    }

    func cleanup() {
        if let p = process, p.isRunning { p.signal(SIGKILL); _ = try? p.wait() }
        TestFiles.remove(directory)
    }
}

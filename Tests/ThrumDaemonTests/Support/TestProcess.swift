import ThrumTestSupport
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// A real child process for end-to-end tests (no Foundation.Process here).
/// Output goes to files so a test can read it while the process runs.
final class TestProcess: @unchecked Sendable {
    let pid: pid_t
    let stdoutPath: String
    let stderrPath: String
    private var status: Int32?

    init(_ executable: String, _ arguments: [String], environment: [String: String], stdin: String? = nil,
         outputDirectory: String?) throws {
        let tag = "\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        stdoutPath = outputDirectory.map { "\($0)/out-\(tag).txt" } ?? "/dev/null"
        stderrPath = outputDirectory.map { "\($0)/err-\(tag).txt" } ?? "/dev/null"
        var stdinPath = "/dev/null"
        if let stdin, let outputDirectory {
            stdinPath = "\(outputDirectory)/in-\(tag).txt"
            try TestFiles.write(stdinPath, stdin)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdinPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        try ChildDescriptors.closeInherited(in: &actions)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let rc = posix_spawn(&child, executable, &actions, nil, argv, envp)
        guard rc == 0 else { throw TestFailure("cannot start \(executable): \(String(cString: strerror(rc)))") }
        pid = child
    }

    /// Waits for the exit; returns the exit code (128+signal when killed).
    @discardableResult
    func wait(timeout: Duration = .seconds(60)) throws -> Int32 {
        if let status { return status }
        let deadline = ContinuousClock.now + timeout
        while true {
            var raw: Int32 = 0
            let r = waitpid(pid, &raw, WNOHANG)
            if r == pid {
                let code = (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
                status = code
                return code
            }
            if ContinuousClock.now > deadline {
                kill(pid, SIGKILL)
                throw TestFailure("process \(pid) did not exit within \(timeout); stderr: \(stderr)")
            }
            usleep(5_000)
        }
    }

    var isRunning: Bool {
        if status != nil { return false }
        var raw: Int32 = 0
        let r = waitpid(pid, &raw, WNOHANG)
        if r == pid {
            status = (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
            return false
        }
        return true
    }

    func signal(_ sig: Int32) { kill(pid, sig) }

    var stdout: String { (try? TestFiles.read(stdoutPath)) ?? "" }
    var stderr: String { (try? TestFiles.read(stderrPath)) ?? "" }
}

extension String {
    var trimmed: String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }
}

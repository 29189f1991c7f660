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

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

enum TestFiles {
    static func write(_ path: String, _ text: String, mode: mode_t = 0o644) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode)
        guard fd >= 0 else { throw TestFailure("cannot write \(path)") }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw TestFailure("short write to \(path)") }
            offset += n
        }
    }

    static func read(_ path: String) throws -> String {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw TestFailure("cannot read \(path)") }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = Glibc.read(fd, &chunk, chunk.count)
            if n <= 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func mode(_ path: String) -> mode_t? {
        var st = stat()
        return stat(path, &st) == 0 ? st.st_mode & 0o7777 : nil
    }

    /// A fresh folder under /tmp, removed by `remove`.
    static func temporaryDirectory(_ prefix: String = "thrum-test") -> String {
        var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        return template.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress, let p = mkdtemp(base) else { return "/tmp/\(prefix)-\(getpid())" }
            return String(cString: p)
        }
    }

    static func remove(_ path: String) {
        guard path.hasPrefix("/tmp/") else { return }
        _ = try? TestProcess("/bin/rm", ["-rf", path], environment: [:], outputDirectory: nil).wait()
    }
}

extension String {
    var trimmed: String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }
}

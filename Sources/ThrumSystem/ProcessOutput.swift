#if canImport(Glibc)
import Glibc
#endif

/// What a finished child process wrote to stdout and stderr, and how it ended; `run` starts
/// the process, collects both streams whole and waits for it.
///
/// Blocking: for synchronous callers (the CLI), never for an async context.
struct ProcessOutput: Sendable {
    /// The exit code, or 128 + the signal number when a signal ended the process.
    let exitCode: Int32
    let standardOutput: [UInt8]
    let standardError: [UInt8]

    /// Why a process could not be started, or its output not be read.
    struct LaunchFailure: Error, Sendable, CustomStringConvertible {
        let description: String
    }

    /// stderr's first `lines` non-empty lines, trimmed and joined with "; " ("" when it wrote nothing).
    func errorSummary(lines: Int = 2) -> String {
        String(decoding: standardError, as: UTF8.self)
            .split(whereSeparator: { $0 == "\n" || $0 == "\r" })
            .map { ProcessOutput.trimmed($0) }
            .filter { !$0.isEmpty }
            .prefix(lines)
            .joined(separator: "; ")
    }

    /// The first executable file called `name` in the folders of PATH (or the usual ones when
    /// PATH is unset), nil when there is none.
    static func executable(named name: String) -> String? {
        let searchPath = getenv("PATH").map { String(cString: $0) } ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in searchPath.split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = folder.hasSuffix("/") ? "\(folder)\(name)" : "\(folder)/\(name)"
            var info = stat()
            guard stat(candidate, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// Runs `executable` (a path) with `arguments` as argv, never through a shell; stdin is
    /// /dev/null, stdout and stderr go to two pipes. The environment is this process's with
    /// `environment` set over it. Returns once the process has ended, whatever its exit code.
    ///
    /// No deadlock whatever the child writes: both pipes are drained together with poll(2), so
    /// a child blocked on a full stderr pipe is never waited for while stdout is being read (or
    /// the other way round), and the child is reaped only after both reached end of file.
    /// The pipes are close-on-exec in this process (so a child that another thread spawns
    /// meanwhile cannot hold them open), and the child keeps no descriptor above 2.
    static func run(
        _ executable: String, arguments: [String], environment: [String: String] = [:]
    ) throws(LaunchFailure) -> ProcessOutput {
        let output = try makePipe()
        let errors: (read: Int32, write: Int32)
        do {
            errors = try makePipe()
        } catch {
            close(output.read)
            close(output.write)
            throw error
        }

        let spawned = spawn(executable, arguments: arguments, environment: environment,
                            standardOutput: output.write, standardError: errors.write)
        close(output.write)
        close(errors.write)
        let pid: pid_t
        switch spawned {
        case let .success(child): pid = child
        case let .failure(failure):
            close(output.read)
            close(errors.read)
            throw failure
        }

        let drained = drain(output.read, errors.read)
        let exitCode = wait(for: pid)
        switch drained {
        case let .success((standardOutput, standardError)):
            return ProcessOutput(exitCode: exitCode, standardOutput: standardOutput, standardError: standardError)
        case let .failure(failure):
            throw failure
        }
    }

    // MARK: - Spawning

    private static func spawn(
        _ executable: String, arguments: [String], environment: [String: String],
        standardOutput: Int32, standardError: Int32
    ) -> Result<pid_t, LaunchFailure> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var failed = posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if failed == 0 { failed = posix_spawn_file_actions_adddup2(&actions, standardOutput, 1) }
        if failed == 0 { failed = posix_spawn_file_actions_adddup2(&actions, standardError, 2) }
        // Optional: without it (glibc before 2.34) the child only misses a cleanup.
        if failed == 0, let addCloseFrom { failed = addCloseFrom(&actions, 3) }
        guard failed == 0 else {
            return .failure(LaunchFailure(description: "cannot prepare to run \(executable): \(errorText(failed))"))
        }

        // A parent that ignores SIGPIPE or blocks signals must not pass that on.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        var noMask = sigset_t()
        sigemptyset(&noMask)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &noMask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envp: [UnsafeMutablePointer<CChar>?] = environmentEntries(overriding: environment).map { strdup($0) } + [nil]
        defer { envp.forEach { free($0) } }

        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            return .failure(LaunchFailure(description: "cannot run \(executable): \(errorText(result))"))
        }
        return .success(pid)
    }

    /// "NAME=value" for this process's environment, with `overrides` replacing or adding names.
    private static func environmentEntries(overriding overrides: [String: String]) -> [String] {
        var entries: [String] = []
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            let name = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? text
            if overrides[name] == nil { entries.append(text) }
            pointer += 1
        }
        for (name, value) in overrides.sorted(by: { $0.key < $1.key }) { entries.append("\(name)=\(value)") }
        return entries
    }

    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32

    /// glibc has both (closefrom since 2.34), but declares them only for _GNU_SOURCE, which the
    /// Swift Glibc module is not built with; so they are looked up by name.
    private static let addCloseFrom: AddCloseFrom? = symbol("posix_spawn_file_actions_addclosefrom_np")
    private static let pipe2: Pipe2? = symbol("pipe2")

    private static func symbol<Function>(_ name: String) -> Function? {
        guard let address = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
        return unsafeBitCast(address, to: Function.self)
    }

    /// A pipe whose both ends are close-on-exec (atomically where pipe2 is available).
    private static func makePipe() throws(LaunchFailure) -> (read: Int32, write: Int32) {
        var ends: [Int32] = [-1, -1]
        let result = ends.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return -1 }
            if let pipe2 { return pipe2(base, O_CLOEXEC) }
            guard pipe(base) == 0 else { return -1 }
            _ = fcntl(base[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(base[1], F_SETFD, FD_CLOEXEC)
            return 0
        }
        guard result == 0 else { throw LaunchFailure(description: "cannot create a pipe: \(errorText(errno))") }
        return (ends[0], ends[1])
    }

    // MARK: - Reading and waiting

    /// Reads both descriptors to end of file, whichever has data first, and closes them.
    private static func drain(_ first: Int32, _ second: Int32) -> Result<([UInt8], [UInt8]), LaunchFailure> {
        var descriptors = [first, second]
        var collected: [[UInt8]] = [[], []]
        var failure: LaunchFailure?
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        var polled = [pollfd](repeating: pollfd(fd: -1, events: Int16(POLLIN), revents: 0), count: 2)

        while descriptors.contains(where: { $0 >= 0 }) {
            for index in 0..<2 {
                // A negative descriptor is skipped by poll.
                polled[index] = pollfd(fd: descriptors[index], events: Int16(POLLIN), revents: 0)
            }
            let ready = poll(&polled, nfds_t(polled.count), -1)
            if ready < 0 {
                if errno == EINTR { continue }
                failure = LaunchFailure(description: "cannot wait for a child's output: \(errorText(errno))")
                break
            }
            for index in 0..<2 where descriptors[index] >= 0 && polled[index].revents != 0 {
                let count = chunk.withUnsafeMutableBytes { read(descriptors[index], $0.baseAddress, $0.count) }
                if count > 0 {
                    collected[index].append(contentsOf: chunk[0..<count])
                } else if count < 0 && (errno == EINTR || errno == EAGAIN) {
                    continue
                } else {
                    if count < 0 && failure == nil {
                        failure = LaunchFailure(description: "cannot read a child's output: \(errorText(errno))")
                    }
                    close(descriptors[index])
                    descriptors[index] = -1
                }
            }
        }
        // After a failure the child sees its pipes closed and ends; it is still reaped by the caller.
        for descriptor in descriptors where descriptor >= 0 { close(descriptor) }
        if let failure { return .failure(failure) }
        return .success((collected[0], collected[1]))
    }

    /// Waits for `pid` to end (retrying on EINTR) and returns its exit code, or 128 + signal.
    private static func wait(for pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return -1 }
        }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    private static func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }

    static func trimmed(_ text: Substring) -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = text.firstIndex(where: { !isSpace($0) }), let last = text.lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(text[first...last])
    }
}

import ThrumTestSupport
import FoundationEssentials
import Glibc

/// Tests/support/fake-tailscaled.py running as a child process on a socket in a temporary directory.
struct FakeTailscaled {
    let directory: String
    let socketPath: String
    let mapPath: String
    let pid: pid_t

    /// The tailnet most tests use: the shapes of the LocalAPI samples.
    static let sampleMap = """
        {"self": "my-laptop", "tailnet": "tail1234.ts.net", "nodes": [
          {"hostname": "my-laptop", "ips": ["100.64.1.10"], "tags": ["tag:thrum-daemon"], "login": "tagged-devices"},
          {"hostname": "ci-runner", "ips": ["100.101.102.103", "fd7a:115c:a1e0::1234:5678"],
           "tags": ["tag:thrum-daemon"], "login": "tagged-devices", "online": true},
          {"hostname": "workstation", "ips": ["100.70.80.90"], "login": "alice@company.com", "online": true},
          {"hostname": "old-vm", "ips": ["100.99.1.2"], "tags": ["tag:thrum-daemon"],
           "login": "tagged-devices", "online": false}
        ]}
        """

    /// Starts the fake with `map`, runs `body` with it, and stops it whatever `body` does.
    static func with<T>(map: String = sampleMap, _ body: (FakeTailscaled) async throws -> T) async throws -> T {
        let fake = try await start(map: map)
        defer { fake.stop() }
        return try await body(fake)
    }

    private static func start(map: String) async throws -> FakeTailscaled {
        let directory = try makeTemporaryDirectory()
        let socketPath = directory + "/tailscaled.sock"
        let mapPath = directory + "/map.json"
        try Data(map.utf8).write(to: URL(filePath: mapPath))
        let pid = try spawn(["python3", TestSupport.fakeTailscaled, "--socket", socketPath, "--map", mapPath])
        let fake = FakeTailscaled(directory: directory, socketPath: socketPath, mapPath: mapPath, pid: pid)
        do {
            try await fake.waitForSocket()
        } catch {
            fake.stop()
            throw error
        }
        return fake
    }

    private static func spawn(_ arguments: [String]) throws -> pid_t {
        var cArguments: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        // The test process blocks signals on its threads and the child would inherit that
        // mask, leaving SIGTERM pending forever: start the child with none blocked.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var defaultSignals = sigset_t()
        sigemptyset(&defaultSignals)
        sigaddset(&defaultSignals, SIGTERM)
        sigaddset(&defaultSignals, SIGINT)
        sigaddset(&defaultSignals, SIGPIPE)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        try ChildDescriptors.closeInherited(in: &actions)
        var pid: pid_t = 0
        let result = posix_spawnp(&pid, arguments[0], &actions, &attributes, &cArguments, environ)
        guard result == 0 else {
            throw TestFailure("cannot start \(arguments[0]): \(String(cString: strerror(result)))")
        }
        return pid
    }

    /// The socket appears once the server listens; a child that dies first is reported.
    private func waitForSocket() async throws {
        for _ in 0..<1500 {
            var info = stat()
            if stat(socketPath, &info) == 0 && (info.st_mode & S_IFMT) == S_IFSOCK { return }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                throw TestFailure("fake-tailscaled.py exited (status \(status)) before listening")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw TestFailure("fake-tailscaled.py did not create \(socketPath)")
    }

    /// Replaces the tailnet map; the fake reads it again on the next request.
    func update(map: String) throws {
        try Data(map.utf8).write(to: URL(filePath: mapPath))
    }

    /// SIGTERM, and SIGKILL if the child has not exited after a few seconds, so a broken
    /// fake can never hang the test run.
    func stop() {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        var exited = false
        for _ in 0..<300 where !exited {
            exited = waitpid(pid, &status, WNOHANG) == pid
            if !exited { usleep(10_000) }
        }
        if !exited {
            kill(pid, SIGKILL)
            waitpid(pid, &status, 0)
        }
        removeDirectory(directory)
    }
}

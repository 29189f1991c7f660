import Logging
import NIOCore
import Synchronization
import Testing
import ThrumRPC
import ThrumTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A tiny service: echo, a slow method, and a refusal hook.
struct EchoService: RPCService {
    var refuse: RPCError?

    struct Text: Codable, Sendable, Equatable { var text: String }
    struct Delay: Codable, Sendable { var ms: Int }

    func admit(_ peer: RPCPeer) async -> RPCError? { refuse }

    func handle(_ request: RPCRequest, from peer: RPCPeer) async -> RPCReply {
        do throws(RPCError) {
            switch request.method {
            case "echo": return .result(try request.params(Text.self))
            case "peer": return .result(Text(text: "\(peer)"))
            case "slow":
                let p = try request.params(Delay.self)
                try? await Task.sleep(for: .milliseconds(p.ms))
                return .result(Text(text: Task.isCancelled ? "cancelled" : "done"))
            default: return .error(.methodNotFound(request.method))
            }
        } catch {
            return .error(error)
        }
    }
}

@Suite struct LineRPCTests {
    let logger = Logger(label: "test")

    func socketPath() -> String { "/tmp/thrum-rpc-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock" }

    @Test func aCallRoundTripsOverAUnixSocketWithPeerCredentials() async throws {
        let path = socketPath()
        let server = try await LineRPCServer.bind(on: .unixPath(path, mode: 0o600), service: EchoService(), logger: logger)
        let serving = Running { try await server.run() }
        defer { Task { await serving.stop() } }
        let echoed = try await LineRPCClient.call(.unixPath(path), "echo", EchoService.Text(text: "héllo\nworld"), as: EchoService.Text.self)
        #expect(echoed.text == "héllo\nworld")
        let peer = try await LineRPCClient.call(.unixPath(path), "peer", NoParams(), as: EchoService.Text.self)
        #expect(peer.text == "uid=\(getuid()) pid=\(getpid())")
    }

    @Test func tcpPeersAreIdentifiedByAddress() async throws {
        let server = try await LineRPCServer.bind(on: .tcp(host: "127.0.0.1", port: 0, device: nil), service: EchoService(), logger: logger)
        let serving = Running { try await server.run() }
        defer { Task { await serving.stop() } }
        let port = try #require(server.localAddress?.port)
        let peer = try await LineRPCClient.call(.tcp(host: "127.0.0.1", port: port), "peer", NoParams(), as: EchoService.Text.self)
        #expect(peer.text.hasPrefix("127.0.0.1:"))
    }

    @Test func serverErrorsReachTheCaller() async throws {
        let path = socketPath()
        let server = try await LineRPCServer.bind(on: .unixPath(path, mode: 0o600), service: EchoService(), logger: logger)
        let serving = Running { try await server.run() }
        defer { Task { await serving.stop() } }
        await #expect {
            _ = try await LineRPCClient.call(.unixPath(path), "nope", NoParams(), as: EchoService.Text.self)
        } throws: { error in
            guard case let .server(rpc)? = error as? RPCClientError else { return false }
            return rpc.code == RPCError.methodNotFoundCode
        }
        await #expect {
            _ = try await LineRPCClient.call(.unixPath(path), "echo", ["text": 5], as: EchoService.Text.self)
        } throws: { error in
            guard case let .server(rpc)? = error as? RPCClientError else { return false }
            return rpc.code == RPCError.invalidParamsCode && rpc.message.contains("text")
        }
    }

    @Test func nothingListeningIsUnreachableWithAHint() async {
        await #expect {
            _ = try await LineRPCClient.call(.unixPath("/tmp/thrum-no-such.sock"), "echo", NoParams(), as: EchoService.Text.self)
        } throws: { error in
            guard case let .unreachable(_, reason)? = error as? RPCClientError else { return false }
            return reason.contains("is the daemon running?")
        }
    }

    @Test func aClosedTCPPortAndAnUnknownNameAreSaidPlainly() async {
        // Port 1 on loopback: nothing listens there on a test machine.
        await #expect {
            _ = try await LineRPCClient.call(.tcp(host: "127.0.0.1", port: 1), "echo", NoParams(), as: EchoService.Text.self)
        } throws: { error in
            guard case let .unreachable(_, reason)? = error as? RPCClientError else { return false }
            return reason == "connection refused (is the daemon running?)"
        }
        await #expect {
            _ = try await LineRPCClient.call(.tcp(host: "no-such-host.invalid", port: 4200), "echo", NoParams(), as: EchoService.Text.self)
        } throws: { error in
            guard case let .unreachable(_, reason)? = error as? RPCClientError else { return false }
            return reason.hasPrefix("cannot resolve no-such-host.invalid")
        }
    }

    /// A server that answers and closes before reading the request (as a sync
    /// port refusing a peer does): the caller must see the answer, never a
    /// timeout or "closed".
    @Test func anAnswerSentBeforeTheRequestIsReadStillArrives() async throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, len) } }
        listen(listener, 16)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &len) } }
        let port = Int(UInt16(bigEndian: addr.sin_port))
        let rounds = 20
        let server = Task.detached {
            let refusal = Array(#"{"jsonrpc":"2.0","id":null,"error":{"code":403,"message":"not authorized"}}"#.utf8) + [0x0a]
            for _ in 0..<rounds {
                let fd = accept(listener, nil, nil)
                guard fd >= 0 else { return }
                _ = refusal.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                shutdown(fd, Int32(SHUT_WR))
                close(fd)
            }
        }
        for _ in 0..<rounds {
            await #expect {
                _ = try await LineRPCClient.call(.tcp(host: "127.0.0.1", port: port), "echo", EchoService.Text(text: "x"),
                                                 as: EchoService.Text.self, timeout: .seconds(5))
            } throws: { error in
                guard case let .server(rpc)? = error as? RPCClientError else { return false }
                return rpc.code == 403
            }
        }
        await server.value
    }

    @Test func aSlowAnswerTimesOut() async throws {
        let path = socketPath()
        let server = try await LineRPCServer.bind(on: .unixPath(path, mode: 0o600), service: EchoService(), logger: logger)
        let serving = Running { try await server.run() }
        defer { Task { await serving.stop() } }
        await #expect {
            _ = try await LineRPCClient.call(.unixPath(path), "slow", EchoService.Delay(ms: 5000), as: EchoService.Text.self,
                                             timeout: .milliseconds(200))
        } throws: { error in
            if case .timedOut? = error as? RPCClientError { return true }
            return false
        }
    }

    @Test func aRefusedPeerGetsTheReasonAndNothingElse() async throws {
        let path = socketPath()
        let refusal = RPCError(code: RPCError.unauthorizedCode, message: "not allowed")
        let server = try await LineRPCServer.bind(on: .unixPath(path, mode: 0o600), service: EchoService(refuse: refusal), logger: logger)
        let serving = Running { try await server.run() }
        defer { Task { await serving.stop() } }
        await #expect {
            _ = try await LineRPCClient.call(.unixPath(path), "echo", EchoService.Text(text: "x"), as: EchoService.Text.self)
        } throws: { error in
            guard case let .server(rpc)? = error as? RPCClientError else { return false }
            return rpc.message == "not allowed"
        }
    }

    @Test func stoppingCancelsWaitsAndRemovesTheSocketFile() async throws {
        let path = socketPath()
        let server = try await LineRPCServer.bind(on: .unixPath(path, mode: 0o640), service: EchoService(), logger: logger)
        let serving = Running { try await server.run() }
        var st = stat()
        #expect(stat(path, &st) == 0 && st.st_mode & 0o777 == 0o640)
        let slow = Task {
            try await LineRPCClient.call(.unixPath(path), "slow", EchoService.Delay(ms: 30_000), as: EchoService.Text.self)
        }
        try await eventually("the slow call is being served") { server.openConnections == 1 }
        let started = ContinuousClock.now
        await serving.stop()
        // The 30 s wait was cancelled by the stop (answered "cancelled", or its
        // connection closed), not waited out, and every connection is closed.
        #expect(ContinuousClock.now - started < .seconds(20))
        let outcome = try? await slow.value
        #expect(outcome == nil || outcome?.text == "cancelled")
        #expect(server.openConnections == 0)
        #expect(access(path, F_OK) != 0)
    }

    @Test func connectionsPastTheCapAreRefusedUntilOneCloses() async throws {
        let path = socketPath()
        let server = try await LineRPCServer.bind(on: .unixPath(path, mode: 0o600), service: EchoService(),
                                                  limits: ServerLimits(maxConnections: 1), logger: logger)
        let serving = Running { try await server.run() }
        defer { Task { await serving.stop() } }
        // One connection holds the only place with a slow request...
        let holder = Task {
            try await LineRPCClient.call(.unixPath(path), "slow", EchoService.Delay(ms: 1000), as: EchoService.Text.self)
        }
        try await eventually("the first connection is being served") { server.openConnections == 1 }
        // ...so the next one is answered 503 and closed.
        await #expect {
            _ = try await LineRPCClient.call(.unixPath(path), "echo", EchoService.Text(text: "x"), as: EchoService.Text.self)
        } throws: { error in
            guard case let .server(rpc)? = error as? RPCClientError else { return false }
            return rpc.code == RPCError.overloadedCode && rpc.message.contains("THRUM_MAX_CONNECTIONS")
        }
        #expect(try await holder.value.text == "done")
        // Once it has closed, its place is free again.
        try await eventually("the first connection is closed") { server.openConnections == 0 }
        let echoed = try await LineRPCClient.call(.unixPath(path), "echo", EchoService.Text(text: "again"), as: EchoService.Text.self)
        #expect(echoed.text == "again")
    }

    /// Connections accepted just as the server stops are closed, not left open or
    /// dropped half made (an NIOAsyncChannel dropped unused traps the process).
    @Test func stoppingWhileConnectionsArriveClosesEveryOne() async throws {
        for round in 1...10 {
            let path = socketPath()
            let server = try await LineRPCServer.bind(on: .unixPath(path, mode: 0o600), service: EchoService(), logger: logger)
            let serving = Running { try await server.run() }
            let clients = try (0..<64).map { _ in try LineSocket(path: path) }
            try await eventually("connections are being accepted") { server.openConnections > 0 }
            await serving.stop()
            // A connection the listener accepted just before it closed can still be in its child
            // initializer on another event loop when run() returns: it is counted there, finds the
            // listener stopped, is closed and uncounted. So the count reaches 0 soon, if not at once.
            try await eventually("round \(round): every connection uncounted") { server.openConnections == 0 }
            // Closed by the server: end of stream (or a reset), never the 10 s read timeout.
            // The reads block, so they run off the cooperative pool.
            let outcomes = Mutex<[String]>([])
            let descriptors = clients.map(\.fd)
            try await offThePool {
                for fd in descriptors {
                    var byte: UInt8 = 0
                    let got = read(fd, &byte, 1)
                    let failure = errno
                    if got != 0 && !(got < 0 && failure == ECONNRESET) {
                        outcomes.withLock { $0.append("read gave \(got), errno \(failure)") }
                    }
                }
            }
            withExtendedLifetime(clients) {}
            #expect(outcomes.withLock { $0 }.isEmpty, "round \(round)")
        }
    }

    @Test func aClientThatHangsUpHasItsRequestCancelled() async throws {
        let path = socketPath()
        let seen = HangupProbe()
        let server = try await LineRPCServer.bind(on: .unixPath(path, mode: 0o600), service: seen, logger: logger)
        let serving = Running { try await server.run() }
        defer { Task { await serving.stop() } }
        // A client sends a request and hangs up without waiting for the answer.
        let client = try LineSocket(path: path)
        #expect(client.send(#"{"jsonrpc":"2.0","id":1,"method":"wait"}"# + "\n"))
        try await eventually("the request is being handled") { seen.started.isRaised }
        client.hangUp()
        // The handler waits 60 s unless cancelled: it must be cancelled once the connection is gone.
        try await eventually("the request of the client that hung up is cancelled") { seen.cancelled.isRaised }
    }
}

/// A service whose one method waits a minute, and says when it started and when it was cancelled.
struct HangupProbe: RPCService {
    let started = Flag()
    let cancelled = Flag()

    func handle(_ request: RPCRequest, from peer: RPCPeer) async -> RPCReply {
        started.raise()
        try? await Task.sleep(for: .seconds(60))
        if Task.isCancelled { cancelled.raise() }
        return .result(EchoService.Text(text: "done"))
    }
}

import Logging
import Testing
import ThrumRPC
import ThrumTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The tests run in parallel in one process: a child one of them starts must not hold
/// another's connections open (without this, `LineRPCTests` failed now and then in CI with
/// a client that waited 10 s for the end of stream of a connection the server had closed).
struct TestProcessTests {
    struct Nothing: RPCService {
        func handle(_ request: RPCRequest, from peer: RPCPeer) async -> RPCReply { .result(["ok": true]) }
    }

    @Test func aChildStartedWhileConnectionsAreOpenDoesNotKeepThemOpen() async throws {
        let folder = try TemporaryFolder()
        let path = "\(folder.path)/s.sock"
        let server = try await LineRPCServer.bind(on: .unixPath(path, mode: 0o600), service: Nothing(),
                                                  logger: Logger(label: "test"))
        let serving = Running { try await server.run() }
        let clients = try (0..<4).map { _ in try LineSocket(path: path) }
        try await eventually("the server holds every connection") { server.openConnections == clients.count }
        let child = try TestProcess("/bin/sleep", ["30"], environment: [:], outputDirectory: nil)
        defer {
            kill(child.pid, SIGKILL)
            _ = try? child.wait()
        }
        await serving.stop()
        // Each read ends at once when the server's close ends the connection, or after 2 s
        // when the child still holds it.
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        var stillOpen = 0
        for client in clients {
            setsockopt(client.fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var byte: UInt8 = 0
            if read(client.fd, &byte, 1) < 0 && errno == EAGAIN { stillOpen += 1 }
        }
        #expect(stillOpen == 0)
    }
}

import ThrumTestSupport
import FoundationEssentials
import Testing
import ThrumRPC

extension DaemonProcessTests {
/// Whatever a client sends, the daemon answers with a JSON-RPC error and keeps serving.
@Suite
struct ControlSocketTests {
    func errorOf(_ line: String?) throws -> AnswerLine.Body { try AnswerLine.errorOf(line) }

    @Test func badRequestsGetErrorsAndTheDaemonKeepsServing() throws {
        let d = DaemonFixture(name: "ctl")
        defer { d.cleanup() }
        try d.start()
        let s = try LineSocket(path: d.socketPath)

        s.send("this is not json\n")
        #expect(try errorOf(s.readLine()).code == -32700)

        s.send(#"{"jsonrpc":"2.0","id":1,"method":"no.such.method"}"# + "\n")
        let unknown = try errorOf(s.readLine())
        #expect(unknown.code == -32601)
        #expect(unknown.message.contains("no.such.method"))

        s.send(#"{"jsonrpc":"2.0","id":2,"method":"agent.register","params":{"agent":42}}"# + "\n")
        let wrongType = try errorOf(s.readLine())
        #expect(wrongType.code == -32602)
        #expect(wrongType.message.contains("agent"))

        s.send(#"{"jsonrpc":"2.0","id":3,"method":"message.send","params":{"agent":"x"}}"# + "\n")
        #expect(try errorOf(s.readLine()).code == -32602)

        s.send(#"[1,2,3]"# + "\n")
        #expect(try errorOf(s.readLine()).code == -32600)

        s.send(#"{"jsonrpc":"1.0","id":4,"method":"status"}"# + "\n")
        #expect(try errorOf(s.readLine()).code == -32600)

        // Same connection still works for a good request.
        s.send(#"{"jsonrpc":"2.0","id":5,"method":"identity"}"# + "\n")
        let good = try #require(s.readLine())
        #expect(good.contains("\"daemon_id\""))
    }

    @Test func anOverlongLineClosesOnlyThatConnection() throws {
        let d = DaemonFixture(name: "big")
        defer { d.cleanup() }
        try d.start()
        let s = try LineSocket(path: d.socketPath)
        // One byte more than THRUM_MAX_REQUEST_SIZE (1 MiB by default), no newline, and nothing
        // after it: the daemon has read every byte when it answers and closes, so the answer
        // is not lost to a reset.
        let prefix = Array(#"{"jsonrpc":"2.0","id":1,"method":"status","params":{"x":""#.utf8)
        #expect(s.send(prefix + [UInt8](repeating: UInt8(ascii: "a"), count: (1 << 20) + 1 - prefix.count)))
        let answer = try #require(s.readLine(), "the daemon answers before it closes")
        #expect(try errorOf(answer).message.contains("longer than"))
        #expect(s.readLine() == nil, "the connection is closed")
        // The daemon still serves others.
        #expect(try d.cli(["status"]).code == 0)
    }

    @Test func manyConcurrentClientsAreServed() throws {
        let d = DaemonFixture(name: "many")
        defer { d.cleanup() }
        try d.start()
        let sockets = try (0..<50).map { _ in try LineSocket(path: d.socketPath) }
        for (i, s) in sockets.enumerated() { s.send(#"{"jsonrpc":"2.0","id":\#(i),"method":"health"}"# + "\n") }
        for s in sockets { #expect(s.readLine()?.contains("\"status\":\"ok\"") == true) }
    }
}
}

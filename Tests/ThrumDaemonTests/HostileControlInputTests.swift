import ThrumTestSupport
import FoundationEssentials
import Testing
import ThrumRPC

extension DaemonProcessTests {
/// The control socket's bounds (DESIGN §7): nesting depth, request ids,
/// connections and buffered bytes. Whatever one client does, the others are served.
@Suite
struct HostileControlInputTests {
    func answer(_ line: String?) throws -> AnswerLine { try AnswerLine.decode(line) }

    @Test func deepNestingIsAParseErrorAndTheDaemonStaysUp() throws {
        let d = DaemonFixture(name: "deep")
        defer { d.cleanup() }
        try d.start()
        let s = try LineSocket(path: d.socketPath)
        for depth in [511, 512, 513, 514, 100_000] {
            s.send(String(repeating: "[", count: depth) + "\n")
            let refused = try answer(s.readLine())
            #expect(refused.error?.code == -32700)
            #expect(refused.error?.message.contains("nested more than 64 levels") == true)
        }
        s.send(#"{"jsonrpc":"2.0","id":1,"method":"health"}"# + "\n")
        #expect(s.readLine()?.contains("\"status\":\"ok\"") == true)
    }

    @Test func idsThatAreNotStringsNumbersOrNullAreRefused() throws {
        let d = DaemonFixture(name: "ids")
        defer { d.cleanup() }
        try d.start()
        let s = try LineSocket(path: d.socketPath)
        for id in ["[1]", #"{"a":1}"#, "true", "false"] {
            s.send(#"{"jsonrpc":"2.0","id":\#(id),"method":"health"}"# + "\n")
            let line = s.readLine()
            #expect(try answer(line).error?.code == -32600)
            #expect(line?.contains(#""id":null"#) == true)
        }
        s.send(#"{"jsonrpc":"2.0","id":"ok","method":"health"}"# + "\n")
        #expect(try answer(s.readLine()).id == .string("ok"))
    }

    @Test func connectionsPastTheCapAreRefusedWithAReasonAndLogged() throws {
        let d = DaemonFixture(name: "cap", environment: ["THRUM_MAX_CONNECTIONS": "3"])
        defer { d.cleanup() }
        let process = try d.start()
        let held = try (0..<3).map { _ in try LineSocket(path: d.socketPath) }
        for s in held {
            s.send(#"{"jsonrpc":"2.0","id":1,"method":"health"}"# + "\n")
            #expect(s.readLine() != nil)
        }
        let extra = try LineSocket(path: d.socketPath)
        let refused = try answer(extra.readLine())
        #expect(refused.error?.code == 503)
        #expect(refused.error?.message.contains("THRUM_MAX_CONNECTIONS") == true)
        #expect(extra.readLine() == nil, "the refused connection is closed")
        #expect(process.stderr.contains("refusing new connections"))
        held[0].hangUp()
        #expect(try d.cli(["health"]).code == 0, "a freed slot is served again")
    }

    @Test func largeSendersArePausedAtTheBudgetWhileSmallRequestsAreAnswered() throws {
        let d = DaemonFixture(name: "budget", environment: ["THRUM_MAX_REQUEST_SIZE": "8MiB", "THRUM_REQUEST_BUFFER_BUDGET": "1MiB"])
        defer { d.cleanup() }
        try d.start()
        // Four 7 MiB lines, never finished: the daemon stops reading them.
        let line = Array(#"{"jsonrpc":"2.0","id":1,"method":"health","params":["#.utf8) + [UInt8](repeating: UInt8(ascii: "1"), count: 7 << 20)
        let hostile = try (0..<4).map { _ in try LineSocket(path: d.socketPath) }
        let taken = hostile.map { $0.sendWhileTaken(line) }
        #expect(taken.reduce(0, +) < 8 << 20, "the daemon and the kernel took \(taken) bytes of 4 x 7 MiB")
        let s = try LineSocket(path: d.socketPath)
        s.send(#"{"jsonrpc":"2.0","id":2,"method":"health"}"# + "\n")
        #expect(s.readLine()?.contains("\"status\":\"ok\"") == true)
    }
}
}

import Testing
import ThrumCore
import ThrumRPC
@testable import ThrumMCP

@Suite struct RequestEnvelopeTests {
    private func request(_ params: String) throws -> RPCRequest {
        try RPCRequest.parse(line: Array(#"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":\#(params)}"#.utf8)).get()
    }

    @Test func aRequestWithoutARevisionBelongsToTheHandshake() throws {
        for params in ["{}", "null", "[1]", "7", #"{"_meta":{}}"#, #"{"_meta":"x"}"#, #"{"_meta":{"progressToken":3}}"#] {
            #expect(RequestEnvelope.version(of: try request(params)) == nil, "\(params)")
        }
    }

    @Test func theEnvelopeRevisionIsServed() throws {
        let served = RequestEnvelope.version(of: try request(#"{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}"#))
        #expect(try served?.get() == "2026-07-28")
    }

    @Test(arguments: ["2025-11-25", "2099-01-01", ""])
    func anotherRevisionIsRefusedWithTheSupportedOnes(_ named: String) throws {
        let answer = RequestEnvelope.version(of: try request(#"{"_meta":{"io.modelcontextprotocol/protocolVersion":"\#(named)"}}"#))
        guard case let .failure(error)? = answer else { Issue.record("not refused"); return }
        #expect(error.code == -32022)
        #expect(error.data?["requested"] == .string(named))
        #expect(error.data?["supported"] == .array(MCPProtocol.allVersions.map { .string($0) }))
    }

    @Test func aRevisionThatIsNotAStringIsInvalidParams() throws {
        let answer = RequestEnvelope.version(of: try request(#"{"_meta":{"io.modelcontextprotocol/protocolVersion":20260728}}"#))
        guard case let .failure(error)? = answer else { Issue.record("not refused"); return }
        #expect(error.code == RPCError.invalidParamsCode)
    }

    @Test func anEnvelopeResultKeepsTheResultAndAddsItsType() throws {
        let wire = try RPCWire.result(id: .int(1), EnvelopeResult(result: CachedToolList(protocolVersion: "2026-07-28")))
        let result = try BoundedJSON.decode(JSONValue.self, from: wire.dropLast())["result"]
        #expect(result?["resultType"] == .string("complete"))
        #expect(result?["_meta"]?["io.modelcontextprotocol/serverInfo"]?["name"] == .string("thrum"))
        #expect(result?["cacheScope"] == .string("private"))
        guard case let .array(tools)? = result?["tools"] else { Issue.record("no tools"); return }
        #expect(tools.count == ThrumTool.allCases.count)
        #expect(tools.allSatisfy { $0["outputSchema"] != nil })
    }
}

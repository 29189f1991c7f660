import Testing
import ThrumRPC

@Suite struct RequestParsingTests {
    func rejection(_ text: String) -> RPCRequest.Rejection? {
        if case let .failure(rejection) = RPCRequest.parse(line: Array(text.utf8)) { return rejection }
        return nil
    }

    @Test(arguments: [#"[1]"#, #"{"jsonrpc":"2.0","method":"m","id":true}"#, #"{"jsonrpc":"2.0","method":"m","id":[1]}"#,
                      #"{"jsonrpc":"2.0","method":"m","id":{"a":1}}"#, #"{"jsonrpc":"2.0","method":"m","id":false}"#])
    func idsThatAreNotAStringNumberOrNullAreRefusedWithIdNull(_ text: String) throws {
        let refused = try #require(rejection(text))
        #expect(refused.error.code == RPCError.invalidRequestCode)
        #expect(refused.id == nil)
    }

    @Test(arguments: [(#""abc""#, JSONValue.string("abc")), ("7", .int(7)), ("1.5", .double(1.5)), ("null", .null)])
    func stringNumberAndNullIdsAreKept(_ id: String, _ expected: JSONValue) throws {
        let parsed = try RPCRequest.parse(line: Array(#"{"jsonrpc":"2.0","method":"m","id":\#(id)}"#.utf8)).get()
        #expect(parsed.id == expected)
        #expect(parsed.method == "m")
    }

    @Test func deepNestingAnywhereIsAParseErrorThatNamesTheLimit() throws {
        for text in [String(repeating: "[", count: 513),
                     #"{"jsonrpc":"2.0","id":1,"method":"m","params":{"x":"# + String(repeating: "[", count: 511) + String(repeating: "]", count: 511) + "}}"] {
            let refused = try #require(rejection(text))
            #expect(refused.error.code == RPCError.parseErrorCode)
            #expect(refused.error.message.contains("nested more than 64 levels"))
        }
    }

    @Test func paramsAreDecodedFromTheirOwnBytes() throws {
        struct P: Decodable { var a: Int }
        let parsed = try RPCRequest.parse(line: Array(#"{"params":{"a":3},"jsonrpc":"2.0","id":"x","method":"m","extra":[1]}"#.utf8)).get()
        #expect(try parsed.params(P.self).a == 3)
        let bare = try RPCRequest.parse(line: Array(#"{"jsonrpc":"2.0","method":"m","params":null}"#.utf8)).get()
        #expect(throws: RPCError.self) { try bare.params(P.self) }
        #expect(bare.id == nil)
    }

    @Test func invalidJSONIsAParseErrorAndAWrongEnvelopeAnInvalidRequest() throws {
        #expect(try #require(rejection("{nope")).error.code == RPCError.parseErrorCode)
        #expect(try #require(rejection(#"{"jsonrpc":"1.0","method":"m","id":4}"#)).id == .int(4))
        #expect(try #require(rejection(#"{"jsonrpc":"2.0","id":4}"#)).error.code == RPCError.invalidRequestCode)
    }
}

/// An IPv4 tailnet peer on a dual-stack socket must be authorized as the IPv4 address
/// tailscaled knows, not as its IPv4-mapped IPv6 form.
@Suite struct PeerAddressTests {
    @Test(arguments: [
        ("::ffff:100.64.0.1", "100.64.0.1"),
        ("::FFFF:127.0.0.1", "127.0.0.1"),
        ("100.64.0.1", "100.64.0.1"),
        ("fd7a:115c:a1e0::1", "fd7a:115c:a1e0::1"),
        ("::ffff:1.2.3", "::ffff:1.2.3"),
        ("::ffff:1.2.3.256", "::ffff:1.2.3.256"),
        ("::ffff:", "::ffff:"),
    ])
    func mappedIPv4IsUnmapped(_ given: String, _ expected: String) {
        #expect(RPCPeer.tcp(ip: given, port: 4200).origin == .tcp(ip: expected, port: 4200))
    }
}

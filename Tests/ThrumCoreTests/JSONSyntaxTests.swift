import FoundationEssentials
import Testing
import ThrumCore

@Suite struct JSONSyntaxTests {
    @Test(arguments: [
        #"{}"#, #"[]"#, #" {"a": [1, -2.5e+3, 0, true, false, null, "x\"\\\/\b\f\n\r\t\u00e9"]} "#,
        #""text""#, "-0", "0.5", "1E9", #"{"a":{"b":{"c":[[]]}}}"#,
    ])
    func acceptsWhatJSONDecoderAccepts(_ text: String) throws {
        try JSONSyntax.check(text.utf8)
        _ = try BoundedJSON.decode(Probe.self, from: text)
    }

    @Test(arguments: [
        "", " ", "[", "]", "{", #"{"a"}"#, #"{"a":}"#, #"{"a":1,}"#, "[1,]", "[1 2]", "01", "1.", "-", ".5", "1e",
        "tru", "nul", "True", #""abc"#, #"{"a\"#, #""\"#, "\"a\u{01}b\"", #""\x""#, #""\u12g4""#, "{} {}", "[1]]", "{]", "[}", #"{1:2}"#,
    ])
    func refusesWhatIsNotJSON(_ text: String) {
        #expect(throws: JSONSyntax.Refusal.self) { try JSONSyntax.check(text.utf8) }
        #expect((try? BoundedJSON.decode(Probe.self, from: text)) == nil)
    }

    @Test(arguments: [65, 511, 512, 513, 514, 100_000])
    func nestingPastTheLimitIsRefusedBeforeAnyDecoderRuns(_ depth: Int) {
        for opener in ["[", #"{"a":"#] {
            let text = String(repeating: opener, count: depth)
            let refusal = #expect(throws: JSONSyntax.Refusal.self) { try JSONSyntax.check(text.utf8) }
            #expect(refusal?.kind == .tooDeep(limit: 64))
            #expect(refusal?.offset == 64 * opener.utf8.count)
            #expect(throws: JSONSyntax.Refusal.self) { try BoundedJSON.decode(Probe.self, from: text) }
        }
    }

    @Test func exactlyTheLimitIsAccepted() throws {
        let text = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        try JSONSyntax.check(text.utf8)
        #expect(throws: JSONSyntax.Refusal.self) { try JSONSyntax.check(("[" + text + "]").utf8) }
    }

    @Test func theRefusalSaysWhatWasWrongAndWhere() {
        let refusal = #expect(throws: JSONSyntax.Refusal.self) { try JSONSyntax.check(#"{"a":tru}"#.utf8) }
        #expect(refusal?.description == "not valid JSON at byte 5: expected true, false or null")
    }

    /// Accepts any JSON document, reading nothing.
    struct Probe: Decodable {
        init(from decoder: any Decoder) throws {}
    }
}

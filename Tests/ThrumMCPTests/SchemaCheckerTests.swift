import Testing
import ThrumCore
import ThrumRPC
@testable import ThrumMCP

/// The checker the output-schema tests rely on finds what it must.
@Suite struct SchemaCheckerTests {
    private func json(_ text: String) throws -> JSONValue { try BoundedJSON.decode(JSONValue.self, from: text) }

    private let schema = JSONSchema.record([
        "id": JSONSchema.string("", minLength: 1),
        "count": JSONSchema.integer("", range: 0...9),
        "ok": JSONSchema.boolean(""),
        "tags": JSONSchema.array("", of: JSONSchema.record(["name": JSONSchema.string("")])),
    ], optional: ["count"])

    @Test func aConformingValuePasses() throws {
        #expect(SchemaChecker.problems(try json(#"{"id":"a","ok":true,"tags":[]}"#), schema) == [])
        #expect(SchemaChecker.problems(try json(#"{"id":"a","count":3,"ok":false,"tags":[{"name":"x"}]}"#), schema) == [])
    }

    @Test func eachBreachIsFound() throws {
        let cases: [(String, String)] = [
            (#"{"ok":true,"tags":[]}"#, "$: missing required id"),
            (#"{"id":"a","ok":true,"tags":[],"extra":1}"#, "$: undeclared property extra"),
            (#"{"id":"a","ok":"yes","tags":[]}"#, #"$.ok: string("yes") is not of type boolean"#),
            (#"{"id":"a","count":1.5,"ok":true,"tags":[]}"#, "$.count: double(1.5) is not of type integer"),
            (#"{"id":"a","count":10,"ok":true,"tags":[]}"#, "$.count: above 9.0"),
            (#"{"id":"","ok":true,"tags":[]}"#, "$.id: shorter than 1"),
            (#"{"id":"a","ok":true,"tags":[{"name":1}]}"#, "$.tags[0].name: int(1) is not of type string"),
            (#"{"id":"a","ok":true,"tags":[{}]}"#, "$.tags[0]: missing required name"),
        ]
        for (value, problem) in cases {
            #expect(SchemaChecker.problems(try json(value), schema) == [problem], "\(value)")
        }
    }

    @Test func anUnknownKeywordIsReportedNotSkipped() throws {
        let pattern = JSONValue.object(["type": .string("string"), "pattern": .string("^a")])
        #expect(SchemaChecker.problems(.string("b"), pattern) == ["$: unknown keyword pattern"])
    }

    @Test func missingListsDeclaredFieldsLeftOutAndEmptyLists() throws {
        #expect(SchemaChecker.missing(try json(#"{"id":"a","ok":true,"tags":[]}"#), schema) == ["$.count", "$.tags[]"])
        #expect(SchemaChecker.missing(try json(#"{"id":"a","count":1,"ok":true,"tags":[{"name":"x"}]}"#), schema) == [])
    }

    @Test func fieldCountsMatchOnlyWhenEveryFieldIsEncoded() throws {
        let full = SentMessage(messageID: "m", eventID: "e", to: "@b", threadID: "t")
        #expect(FieldCount.storedProperties(full) == FieldCount.keys(try json(#"{"message_id":"m","event_id":"e","to":"@b","thread_id":"t"}"#)))
        let bare = SentMessage(messageID: "m", eventID: "e", to: "@b", threadID: nil)
        #expect(FieldCount.storedProperties(bare) != FieldCount.keys(try json(#"{"message_id":"m","event_id":"e","to":"@b"}"#)))
    }
}

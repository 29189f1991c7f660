import FoundationEssentials
import Testing
import ThrumRPC

/// One JSON-RPC answer line as a raw-socket test reads it.
struct AnswerLine: Decodable {
    struct Body: Decodable { var code: Int; var message: String }
    var id: JSONValue?
    var error: Body?

    static func decode(_ line: String?) throws -> AnswerLine {
        let text = try #require(line, "no answer")
        return try JSONDecoder().decode(AnswerLine.self, from: Data(text.utf8))
    }

    /// The error of an answer that must be one.
    static func errorOf(_ line: String?) throws -> Body {
        let answer = try decode(line)
        return try #require(answer.error, "expected an error, got \(line ?? "")")
    }
}

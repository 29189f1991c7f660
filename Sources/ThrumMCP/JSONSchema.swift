import ThrumRPC

/// Small builders for the JSON Schemas of the tools' inputs and results, so
/// each schema reads like its argument list or its result's fields. No schema
/// names a `$schema`: MCP reads them as JSON Schema 2020-12, and the keywords
/// used here mean the same in draft-07.
enum JSONSchema {
    /// Arguments: these properties, of which those in `required` must be given.
    static func object(_ properties: [String: JSONValue], required: [String] = []) -> JSONValue {
        var schema: [String: JSONValue] = ["type": .string("object"), "properties": .object(properties)]
        if !required.isEmpty { schema["required"] = .array(required.map(JSONValue.string)) }
        return .object(schema)
    }

    /// A result: exactly these properties, each one present unless it is `optional`, and no
    /// others. Closed, so a field a result type gains cannot go out undeclared.
    static func record(_ properties: [String: JSONValue], optional: Set<String> = [], description: String? = nil) -> JSONValue {
        var schema: [String: JSONValue] = [
            "type": .string("object"), "properties": .object(properties), "additionalProperties": .bool(false),
        ]
        let required = properties.keys.filter { !optional.contains($0) }.sorted()
        if !required.isEmpty { schema["required"] = .array(required.map(JSONValue.string)) }
        if let description { schema["description"] = .string(description) }
        return .object(schema)
    }

    static func array(_ description: String, of items: JSONValue) -> JSONValue {
        .object(["type": .string("array"), "description": .string(description), "items": items])
    }

    static func string(_ description: String, minLength: Int? = nil) -> JSONValue {
        var schema = typed("string", description)
        if let minLength { schema["minLength"] = .int(Int64(minLength)) }
        return .object(schema)
    }

    static func boolean(_ description: String, default value: Bool? = nil) -> JSONValue {
        var schema = typed("boolean", description)
        if let value { schema["default"] = .bool(value) }
        return .object(schema)
    }

    static func integer(_ description: String, range: ClosedRange<Int>? = nil, default value: Int? = nil) -> JSONValue {
        numeric("integer", description, range: range, default: value)
    }

    static func number(_ description: String, range: ClosedRange<Int>, default value: Int) -> JSONValue {
        numeric("number", description, range: range, default: value)
    }

    private static func numeric(_ type: String, _ description: String, range: ClosedRange<Int>?, default value: Int?) -> JSONValue {
        var schema = typed(type, description)
        if let range {
            schema["minimum"] = .int(Int64(range.lowerBound))
            schema["maximum"] = .int(Int64(range.upperBound))
        }
        if let value { schema["default"] = .int(Int64(value)) }
        return .object(schema)
    }

    private static func typed(_ type: String, _ description: String) -> [String: JSONValue] {
        ["type": .string(type), "description": .string(description)]
    }
}

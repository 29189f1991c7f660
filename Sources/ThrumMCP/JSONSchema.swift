import ThrumRPC

/// Small builders for the JSON Schemas of the tools' inputs, so each tool's
/// schema reads like its argument list.
enum JSONSchema {
    static func object(_ properties: [String: JSONValue], required: [String] = []) -> JSONValue {
        var schema: [String: JSONValue] = ["type": .string("object"), "properties": .object(properties)]
        if !required.isEmpty { schema["required"] = .array(required.map(JSONValue.string)) }
        return .object(schema)
    }

    static func string(_ description: String, minLength: Int? = nil) -> JSONValue {
        var schema: [String: JSONValue] = ["type": .string("string"), "description": .string(description)]
        if let minLength { schema["minLength"] = .int(Int64(minLength)) }
        return .object(schema)
    }

    static func boolean(_ description: String, default value: Bool) -> JSONValue {
        .object(["type": .string("boolean"), "description": .string(description), "default": .bool(value)])
    }

    static func integer(_ description: String, range: ClosedRange<Int>, default value: Int) -> JSONValue {
        .object([
            "type": .string("integer"), "description": .string(description),
            "minimum": .int(Int64(range.lowerBound)), "maximum": .int(Int64(range.upperBound)), "default": .int(Int64(value)),
        ])
    }

    static func number(_ description: String, range: ClosedRange<Int>, default value: Int) -> JSONValue {
        .object([
            "type": .string("number"), "description": .string(description),
            "minimum": .int(Int64(range.lowerBound)), "maximum": .int(Int64(range.upperBound)), "default": .int(Int64(value)),
        ])
    }
}

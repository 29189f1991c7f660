import ThrumRPC

/// A checker for the part of JSON Schema the tools' schemas use. A keyword it
/// does not know is reported, not skipped, so a schema cannot start relying on
/// one that these tests would then silently ignore.
enum SchemaChecker {
    static let keywords: Set<String> = [
        "type", "description", "default", "properties", "required", "additionalProperties", "items",
        "minLength", "minimum", "maximum",
    ]

    /// Where `value` breaks `schema`, one line each; empty when it conforms.
    static func problems(_ value: JSONValue, _ schema: JSONValue, at path: String = "$") -> [String] {
        guard case let .object(rules) = schema else { return ["\(path): the schema is not an object"] }
        var found = rules.keys.filter { !keywords.contains($0) }.sorted().map { "\(path): unknown keyword \($0)" }
        if case let .string(type)? = rules["type"], !has(type, value) {
            return found + ["\(path): \(value) is not of type \(type)"]
        }
        if case let .int(least)? = rules["minLength"], case let .string(text) = value, text.unicodeScalars.count < least {
            found.append("\(path): shorter than \(least)")
        }
        if let least = rules["minimum"].flatMap(number), let n = number(value), n < least { found.append("\(path): below \(least)") }
        if let most = rules["maximum"].flatMap(number), let n = number(value), n > most { found.append("\(path): above \(most)") }
        if case let .object(members) = value {
            let declared = rules["properties"]?.objectValue ?? [:]
            for name in rules["required"]?.strings ?? [] where members[name] == nil {
                found.append("\(path): missing required \(name)")
            }
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                if let rule = declared[name] {
                    found += problems(member, rule, at: "\(path).\(name)")
                } else if rules["additionalProperties"] == .bool(false) {
                    found.append("\(path): undeclared property \(name)")
                }
            }
        }
        if case let .array(elements) = value, let items = rules["items"] {
            for (index, element) in elements.enumerated() { found += problems(element, items, at: "\(path)[\(index)]") }
        }
        return found
    }

    /// The properties `schema` declares, at any depth, that `value` leaves out,
    /// and the arrays left empty (their items go unchecked): a sample meant to
    /// show every field has none.
    static func missing(_ value: JSONValue, _ schema: JSONValue, at path: String = "$") -> [String] {
        switch value {
        case let .object(members):
            let declared = schema["properties"]?.objectValue ?? [:]
            return declared.keys.sorted().flatMap { name in
                members[name].map { missing($0, declared[name]!, at: "\(path).\(name)") } ?? ["\(path).\(name)"]
            }
        case let .array(elements):
            guard let items = schema["items"] else { return [] }
            if elements.isEmpty { return ["\(path)[]"] }
            return elements.enumerated().flatMap { missing($1, items, at: "\(path)[\($0)]") }
        default:
            return []
        }
    }

    private static func has(_ type: String, _ value: JSONValue) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("null", .null),
             ("integer", .int), ("number", .int), ("number", .double):
            return true
        default:
            return false
        }
    }

    private static func number(_ value: JSONValue) -> Double? {
        switch value {
        case let .int(n): return Double(n)
        case let .double(n): return n
        default: return nil
        }
    }
}

extension JSONValue {
    var objectValue: [String: JSONValue]? {
        if case let .object(members) = self { return members }
        return nil
    }

    var strings: [String]? {
        guard case let .array(elements) = self else { return nil }
        return elements.compactMap { if case let .string(s) = $0 { return s } else { return nil } }
    }
}

import ThrumRPC

/// Counts that tie a result type to its JSON without naming its fields: for a
/// value with no nil fields and no empty arrays, the stored properties
/// (through nested structs, optionals and arrays) number the same as the keys
/// of its JSON exactly when every property is encoded. A property added to a
/// result type then shows up here even if no sample sets it.
enum FieldCount {
    static func storedProperties(_ value: Any) -> Int {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .struct?, .class?:
            return mirror.children.reduce(0) { $0 + 1 + storedProperties($1.value) }
        case .optional?, .collection?:
            return mirror.children.reduce(0) { $0 + storedProperties($1.value) }
        default:
            return 0
        }
    }

    static func keys(_ json: JSONValue) -> Int {
        switch json {
        case let .object(members): return members.values.reduce(0) { $0 + 1 + keys($1) }
        case let .array(elements): return elements.reduce(0) { $0 + keys($1) }
        default: return 0
        }
    }
}

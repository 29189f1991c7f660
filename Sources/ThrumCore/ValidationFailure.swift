/// The stages of the validation pipeline (DESIGN §7), in the order they run.
public enum ValidationStage: String, Sendable, Codable, CaseIterable {
    /// Required fields, known type, field types, size, `data` is JSON.
    case schema
    /// `origin_daemon` matches `origin_key`, the signature verifies.
    case signature
    /// Origin set, timestamp not far in the future, message text within its limit.
    case business
    /// Only an agent's own daemon acts as it, and only a daemon makes IDs in its name (DESIGN §5);
    /// checked at the log's door, against the event's origin.
    case identity
}

/// Why an event received by sync is refused, as the quarantine records it.
public struct ValidationFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var stage: ValidationStage
    public var reason: String

    public init(stage: ValidationStage, reason: String) {
        self.stage = stage
        self.reason = reason
    }

    public var description: String { "\(stage.rawValue): \(reason)" }
}

import ThrumCore

/// Why a received event is refused, as the quarantine records it.
public struct ValidationFailure: Error, Sendable, Equatable {
    /// Pipeline stage: "schema", "signature", "business".
    public var stage: String
    public var reason: String

    public init(stage: String, reason: String) {
        self.stage = stage
        self.reason = reason
    }
}

/// The check every event received by sync passes before it is applied. One
/// replaceable piece: the full pipeline of DESIGN §7 plugs in here.
public protocol EventValidator: Sendable {
    /// nil when the event may be applied.
    func validate(_ event: Event) -> ValidationFailure?
}

/// Accepts only events whose origin matches their key and whose signature verifies.
public struct SignatureValidator: EventValidator {
    public init() {}

    public func validate(_ event: Event) -> ValidationFailure? {
        event.verifySignature().map { ValidationFailure(stage: "signature", reason: $0.description) }
    }
}

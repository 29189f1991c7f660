import ThrumCore

/// The check every event received by sync passes before it is applied: the
/// event's JSON as received in, the accepted event or why not out.
public protocol EventValidator: Sendable {
    func validate(raw: ArraySlice<UInt8>) -> Result<ValidatedEvent, ValidationFailure>
}

/// The full pipeline of DESIGN §7 (ThrumCore's `EventValidation`) under one policy.
public struct PipelineValidator: EventValidator {
    public let policy: ValidationPolicy

    public init(policy: ValidationPolicy = ValidationPolicy()) {
        self.policy = policy
    }

    public func validate(raw: ArraySlice<UInt8>) -> Result<ValidatedEvent, ValidationFailure> {
        EventValidation.validated(raw: raw, policy: policy)
    }
}

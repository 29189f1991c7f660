import Synchronization

/// A one-way switch a test can look at.
public final class Flag: Sendable {
    private let raised = Mutex(false)

    public init() {}

    public var isRaised: Bool { raised.withLock { $0 } }

    public func raise() { raised.withLock { $0 = true } }
}

import Synchronization

/// Counts the requests being served on the sync port, all peers together,
/// and refuses to start one more past `capacity` (the 503 of DESIGN §7).
final class SyncRequestCap: Sendable {
    private let capacity: Int
    private let count = Atomic<Int>(0)

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
    }

    /// Takes a slot; false when all are taken. Every true must be followed by `leave`.
    func enter() -> Bool {
        let now = count.wrappingAdd(1, ordering: .acquiringAndReleasing).newValue
        guard now <= capacity else {
            count.wrappingSubtract(1, ordering: .acquiringAndReleasing)
            return false
        }
        return true
    }

    func leave() {
        count.wrappingSubtract(1, ordering: .acquiringAndReleasing)
    }

    var current: Int { count.load(ordering: .acquiring) }
}

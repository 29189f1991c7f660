import FoundationEssentials
import ThrumCore

/// How long the log keeps an event (THRUM_RETENTION, DESIGN §5). Messages, replies, edits,
/// deletes, threads and sessions grow with traffic and expire once their timestamp is older
/// than the window. The events that say who owns an agent and who belongs to which group or
/// topic are few, define present state, and never expire: removing a registration would hand
/// the name to whoever registers next.
public struct Retention: Sendable, Equatable {
    /// Milliseconds an expiring event is kept after its timestamp.
    public let windowMS: Int64

    /// Nil for a window of 0 or less, which means keeping everything.
    public init?(seconds: Double) {
        guard seconds > 0, seconds < Double(Int64.max / 1000) else { return nil }
        windowMS = Int64(seconds * 1000)
    }

    /// Events of these types are kept whatever their age.
    public static let keptTypes: Set<EventType> = [.agentRegister, .agentDeregister, .groupCreate, .groupJoin,
                                                   .groupLeave, .subscribe, .unsubscribe]

    /// The `at_ms` before which an expiring event is gone, at `now`.
    public func cutoffMS(now: Date = Date()) -> Int64 {
        Int64((now.timeIntervalSince1970 * 1000).rounded()) - windowMS
    }

    /// True when an event of `type` at `atMS` is outside the window ending at `cutoffMS`.
    static func isExpired(type: EventType?, atMS: Int64, cutoffMS: Int64) -> Bool {
        guard let type, !keptTypes.contains(type) else { return false }
        return atMS < cutoffMS
    }

    /// The SQL condition true for an expired row `e` of `events`, the cutoff bound as `?parameter`.
    static func expiredCondition(cutoffParameter parameter: Int) -> String {
        "(e.type IN (\(expiringTypeList)) AND e.at_ms < ?\(parameter))"
    }

    static let expiringTypeList = EventType.allCases.filter { !keptTypes.contains($0) }
        .map { "'\($0.rawValue)'" }.joined(separator: ", ")
}

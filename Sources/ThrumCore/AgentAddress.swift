/// An agent's identity: its name together with the daemon that registered it (DESIGN §5,
/// "every identifier belongs to the daemon that made it"). `alice@d_…` on the laptop and
/// `alice@d_…` on a CI runner are two agents; only the daemon named in the address can act
/// as it. Written as `NAME@DAEMON_ID`; names never contain `@`.
public struct AgentAddress: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    public let daemonID: String

    public init(name: String, daemonID: String) {
        self.name = name
        self.daemonID = daemonID
    }

    /// `NAME@d_…` when the part after the last `@` is a daemon ID; nil for anything else
    /// (a bare name, `NAME@HOST`).
    public init?(parsing text: some StringProtocol) {
        guard let at = text.lastIndex(of: "@") else { return nil }
        let name = text[..<at], daemon = text[text.index(after: at)...]
        guard !name.isEmpty, !name.contains("@"), DaemonID.isValid(daemon) else { return nil }
        self.init(name: String(name), daemonID: String(daemon))
    }

    /// The address an event's payload names: a full address as it is, or a bare (legacy) name
    /// scoped to the event's origin, the only daemon that can have written it.
    public init(payloadAgent: String, origin: String) {
        self = AgentAddress(parsing: payloadAgent) ?? AgentAddress(name: payloadAgent, daemonID: origin)
    }

    public var description: String { "\(name)@\(daemonID)" }
}

extension DaemonID {
    /// `d_` and 16 characters of lowercase base32, the form `derive` makes.
    public static func isValid(_ text: some StringProtocol) -> Bool {
        text.utf8.count == 18 && text.hasPrefix("d_")
            && text.utf8.dropFirst(2).allSatisfy { (0x61...0x7a).contains($0) || (0x32...0x37).contains($0) }
    }
}

/// Message and session IDs name the daemon that made them: `msg_<ULID>-d_…`, `ses_<ULID>-d_…`
/// (the ID, a `-`, then the origin's daemon ID). An ID without that suffix was written before
/// scoped IDs (a legacy ID); it belongs to the origin of the event that carries it. Either way
/// the store keys the row by the scoped form, so no other daemon's event can reach it.
public enum ScopedID {
    /// A new ID: `prefix` + ULID + `-` + `daemonID`.
    public static func next(prefix: String, daemonID: String) -> String {
        EventIDs.next(prefix: prefix) + "-" + daemonID
    }

    /// The daemon an ID names, or nil for a legacy ID.
    public static func origin(of id: some StringProtocol) -> String? {
        guard id.utf8.count > 19 else { return nil }
        let suffix = id.suffix(19)
        guard suffix.first == "-", DaemonID.isValid(suffix.dropFirst()) else { return nil }
        return String(suffix.dropFirst())
    }

    /// The ID as the store keys it: as it is when it names its origin, else scoped to `origin`.
    public static func scoped(_ id: String, origin: String) -> String {
        Self.origin(of: id) == nil ? id + "-" + origin : id
    }
}

// What `status` and `health` say of forks and of this daemon's own history.

extension ControlResults {
    /// A daemon whose history is proven forked: from `sequence` on, its events count nowhere.
    public struct Fork: Codable, Sendable, Equatable {
        public var origin: String
        public var sequence: Int64
        public var detectedAt: String
        /// The peer whose event or relayed proof showed it; nil when found in this daemon's log.
        public var fromDaemon: String?
        /// True when the forked history is this daemon's own: it writes nothing more.
        public var ownHistory: Bool

        public init(origin: String, sequence: Int64, detectedAt: String, fromDaemon: String?, ownHistory: Bool) {
            self.origin = origin; self.sequence = sequence; self.detectedAt = detectedAt; self.fromDaemon = fromDaemon
            self.ownHistory = ownHistory
        }

        enum CodingKeys: String, CodingKey {
            case origin, sequence, detectedAt = "detected_at", fromDaemon = "from_daemon", ownHistory = "own_history"
        }
    }

    /// Whether this daemon knows how far its own history goes (a lost or restored log waits
    /// for its peers): `state` is "known", "learning" (writes wait) or "unknown" (writes fail);
    /// `detail` says why for the last two.
    public struct OwnHistory: Codable, Sendable, Equatable {
        public var state: String
        public var detail: String?

        public init(state: String, detail: String?) {
            self.state = state
            self.detail = detail
        }
    }
}

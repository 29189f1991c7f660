// Results of the control socket's methods; the CodingKeys are the JSON names on the wire.

public enum ControlResults {
    /// Any write: the event it appended.
    public struct Written: Codable, Sendable {
        public var eventID: String
        public var seq: Int64
        public var messageID: String?
        public var sessionID: String?
        public init(eventID: String, seq: Int64, messageID: String? = nil, sessionID: String? = nil) {
            self.eventID = eventID; self.seq = seq; self.messageID = messageID; self.sessionID = sessionID
        }
        enum CodingKeys: String, CodingKey { case eventID = "event_id", seq, messageID = "message_id", sessionID = "session_id" }
    }

    public struct Identity: Codable, Sendable {
        public var daemonID: String
        public var publicKey: String
        public var fingerprint: String
        public var keyPath: String
        public init(daemonID: String, publicKey: String, fingerprint: String, keyPath: String) {
            self.daemonID = daemonID; self.publicKey = publicKey; self.fingerprint = fingerprint; self.keyPath = keyPath
        }
        enum CodingKeys: String, CodingKey { case daemonID = "daemon_id", publicKey = "public_key", fingerprint, keyPath = "key_path" }
    }

    /// `/metrics` as the daemon would serve it: Prometheus text format 0.0.4.
    public struct Metrics: Codable, Sendable {
        public var text: String
        public init(text: String) { self.text = text }
    }
}

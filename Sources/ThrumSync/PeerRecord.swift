/// One known peer daemon, as `peers.json` stores it.
public struct PeerRecord: Codable, Sendable, Equatable {
    public enum Source: String, Codable, Sendable {
        /// Added by `thrum tsync peers add`.
        case manual
        /// Found through tailscaled's peer list.
        case discovered
    }

    public var daemonID: String
    public var hostname: String
    /// `host:port` of its sync port.
    public var address: String
    public var tailscaleIP: String?
    /// Standard base64 of the raw Ed25519 public key.
    public var publicKey: String
    public var fingerprint: String
    public var source: Source
    public var addedAt: String
    public var lastSync: String?
    /// "idle" after a good pull, "error: …" after a failed one, "new" before any.
    public var status: String

    public init(daemonID: String, hostname: String, address: String, tailscaleIP: String?, publicKey: String,
                fingerprint: String, source: Source, addedAt: String, lastSync: String? = nil, status: String = "new") {
        self.daemonID = daemonID
        self.hostname = hostname
        self.address = address
        self.tailscaleIP = tailscaleIP
        self.publicKey = publicKey
        self.fingerprint = fingerprint
        self.source = source
        self.addedAt = addedAt
        self.lastSync = lastSync
        self.status = status
    }

    enum CodingKeys: String, CodingKey {
        case daemonID = "daemon_id", hostname, address, tailscaleIP = "tailscale_ip", publicKey = "public_key"
        case fingerprint, source, addedAt = "added_at", lastSync = "last_sync", status
    }
}

/// Every configuration variable: its name, default, and what it accepts.
/// One table drives parsing, `thrum config check`, and the thrum.env(5) page.
public struct ConfigVariable: Sendable {
    public enum Kind: Sendable {
        case bool
        case port
        case positiveInt
        case positiveDouble
        case byteSize
        case duration
        case durationOrNever
        case list
        case text
        case path
        case hostPort
        case logTarget
    }

    public let name: String
    public let kind: Kind
    /// Shown by `thrum config check` when nothing sets it; nil means "unset".
    public let defaultText: String?
    public let summary: String
    /// Secrets are never printed.
    public let secret: Bool

    public init(_ name: String, _ kind: Kind, default defaultText: String?, _ summary: String, secret: Bool = false) {
        self.name = name
        self.kind = kind
        self.defaultText = defaultText
        self.summary = summary
        self.secret = secret
    }

    public var allowed: String {
        switch kind {
        case .bool: return "true or false"
        case .port: return "a TCP port from 1 to 65535"
        case .positiveInt: return "a whole number greater than 0"
        case .positiveDouble: return "a number greater than 0"
        case .byteSize: return "a size in bytes, optionally with KiB or MiB (e.g. 1MiB, 102400)"
        case .duration: return "a duration such as 300ms, 30s, 5m or 1h30m"
        case .durationOrNever: return "a duration such as 7d, 36h or 90m, or 0 for never"
        case .list: return "a comma-separated list"
        case .text: return "any text"
        case .path: return "an absolute path"
        case .hostPort: return "HOST:PORT with both parts, e.g. 127.0.0.1:4200, [::1]:4200 or 0.0.0.0:4200 (every address)"
        case .logTarget: return "auto, journal or stderr"
        }
    }
}

public enum ConfigVariables {
    public static let all: [ConfigVariable] = [
        // The seed's "Environment Variables" table.
        .init("THRUM_TAILSCALE_ENABLED", .bool, default: "false", "Enable Tailscale sync (the sync listener, discovery, push and pull)."),
        .init("THRUM_TAILSCALE_HOSTNAME", .text, default: nil, "Host name passed to `tailscale up` by `thrum tsync up` (default: the machine's)."),
        .init("THRUM_TAILSCALE_PORT", .port, default: "4200", "Port of the sync RPC listener."),
        .init("THRUM_TAILSCALE_AUTH_KEY", .text, default: nil, "Tailscale auth key used by `thrum tsync up` for headless machines.", secret: true),
        .init("THRUM_TAILSCALE_CONTROL_URL", .text, default: nil, "Custom control server URL passed to `tailscale up --login-server`."),
        .init("THRUM_TAILSCALE_STATE_DIR", .text, default: nil, "Ignored: Thrum uses the host's tailscaled, which keeps its own state."),
        // The seed's "Security Configuration" table.
        .init("THRUM_SECURITY_REQUIRE_SIGNATURES", .bool, default: "true", "Quarantine unsigned events received by sync."),
        .init("THRUM_SECURITY_ALLOWED_PEERS", .list, default: nil, "Host names allowed to sync (empty: any host)."),
        .init("THRUM_SECURITY_REQUIRED_TAGS", .list, default: "tag:thrum-daemon", "Tailscale ACL tags a peer must carry, any one suffices (empty: no tag check)."),
        .init("THRUM_SECURITY_ALLOWED_DOMAINS", .list, default: nil, "Login domains allowed to sync (empty: any domain)."),
        .init("THRUM_SECURITY_RATE_LIMIT_ENABLED", .bool, default: "false", "Per-peer rate limiting of sync requests."),
        .init("THRUM_SECURITY_MAX_REQUESTS_PER_SEC", .positiveDouble, default: "10", "Sustained sync requests per second per peer."),
        .init("THRUM_SECURITY_BURST_SIZE", .positiveInt, default: "20", "Rate limiter burst size."),
        // DESIGN §8 additions.
        .init("THRUM_SECURITY_MAX_EVENT_SIZE", .byteSize, default: "1MiB", "Largest event accepted from sync."),
        .init("THRUM_SECURITY_MAX_MESSAGE_SIZE", .byteSize, default: "100KiB", "Largest message text."),
        .init("THRUM_SECURITY_MAX_QUEUE_DEPTH", .positiveInt, default: "1000", "Sync requests in flight before new ones get 503."),
        .init("THRUM_MAX_CONNECTIONS", .positiveInt, default: "256", "Open connections per listener (control socket, sync port); more are refused."),
        .init("THRUM_MAX_REQUEST_SIZE", .byteSize, default: "1MiB", "Longest request line on the control socket (sync requests: 64 KiB)."),
        .init("THRUM_REQUEST_BUFFER_BUDGET", .byteSize, default: "16MiB", "Request bytes buffered across all connections before large senders are paused."),
        .init("THRUM_QUARANTINE_MAX_EVENTS", .positiveInt, default: "10000", "Quarantined events kept; the oldest are dropped first."),
        .init("THRUM_QUARANTINE_MAX_BYTES", .byteSize, default: "64MiB", "Bytes of quarantined event JSON kept; the oldest are dropped first."),
        .init("THRUM_STATE_DIR", .path, default: "/var/lib/thrum", "State folder: thrum.db, identity.key, peers.json ($STATE_DIRECTORY under systemd)."),
        .init("THRUM_SOCKET", .path, default: "/run/thrum/thrum.sock", "Control socket, for the daemon and the CLI ($RUNTIME_DIRECTORY/thrum.sock under systemd)."),
        .init("THRUM_CONFIG", .path, default: "/etc/thrum/thrum.env", "The env file read when the daemon is started by hand."),
        .init("THRUM_TAILSCALE_SOCKET", .path, default: "/var/run/tailscale/tailscaled.sock", "tailscaled's LocalAPI socket."),
        .init("THRUM_TAILSCALE_INTERFACE", .text, default: "tailscale0", "Interface the sync port binds to when not socket-activated."),
        .init("THRUM_SYNC_LISTEN", .hostPort, default: nil, "Explicit HOST:PORT for the sync listener instead of the interface (tests, loopback demos)."),
        .init("THRUM_METRICS_LISTEN", .hostPort, default: nil, "HOST:PORT serving GET /metrics (Prometheus text) and GET /healthz over HTTP; unset serves neither."),
        .init("THRUM_SYNC_INTERVAL", .duration, default: "5m", "Periodic sync interval."),
        .init("THRUM_SYNC_RECENT_THRESHOLD", .duration, default: "2m", "Periodic sync skips peers synced more recently than this."),
        .init("THRUM_RECEIPT_WINDOW", .duration, default: "500ms", "Reads by this daemon's agents within this window go out in one receipt per agent."),
        .init("THRUM_CLAIM_CONFIRM_WINDOW", .duration, default: "10m", "A claim is confirmed once every peer synced within this window holds it."),
        .init("THRUM_PEER_EXPIRY", .durationOrNever, default: "7d", "Drop peers unseen (no successful sync) this long; 0 keeps them forever."),
        .init("THRUM_RETENTION", .durationOrNever, default: "0", "Remove messages, threads and sessions whose timestamp is older than this (e.g. 30d); 0 keeps everything."),
        .init("THRUM_LOG", .logTarget, default: "auto", "Where logs go: journal, stderr, or auto (journal when stderr is the journal)."),
    ]

    public static let byName: [String: ConfigVariable] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
}

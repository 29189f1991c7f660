/// The daemon's effective configuration (DESIGN §8).
public struct ThrumConfig: Sendable {
    public var tailscaleEnabled = false
    public var tailscaleHostname: String?
    public var tailscalePort = 4200
    public var tailscaleAuthKey: String?
    public var tailscaleControlURL: String?

    public var requireSignatures = true
    public var allowedPeers: [String] = []
    public var requiredTags: [String] = ["tag:thrum-daemon"]
    public var allowedDomains: [String] = []
    public var rateLimitEnabled = false
    public var maxRequestsPerSecond = 10.0
    public var burstSize = 20
    public var maxEventSize = 1 << 20
    public var maxMessageSize = 100 << 10
    public var maxQueueDepth = 1000
    /// Hostile-input bounds (DESIGN §7).
    public var maxConnections = 256
    public var maxRequestSize = 1 << 20
    public var requestBufferBudget = 16 << 20
    public var quarantineMaxEvents = 10_000
    public var quarantineMaxBytes = 64 << 20

    public var stateDirectory = "/var/lib/thrum"
    public var socketPath = "/run/thrum/thrum.sock"
    public var configPath = "/etc/thrum/thrum.env"
    public var tailscaleSocket = "/var/run/tailscale/tailscaled.sock"
    public var tailscaleInterface = "tailscale0"
    public var syncListen: HostPort?
    /// Where `/metrics` and `/healthz` are served; nil serves neither.
    public var metricsListen: HostPort?
    /// Seconds.
    public var syncInterval = 300.0
    /// Seconds.
    public var syncRecentThreshold = 120.0
    /// Seconds: reads within this window are reported in one receipt per agent.
    public var receiptWindow = 0.5
    /// Seconds: the peers synced within this window must hold a claim for it to be confirmed.
    public var claimConfirmWindow = 600.0
    /// Seconds a peer may go without a successful sync before it is dropped; 0 = never.
    public var peerExpiry = 7 * 86400.0
    /// Seconds an expiring event is kept after its timestamp; 0 = forever.
    public var retention = 0.0
    public var logTarget = LogTarget.auto

    public enum LogTarget: String, Sendable { case auto, journal, stderr }

    public init() {}

    public var databasePath: String { stateDirectory + "/thrum.db" }
    public var identityKeyPath: String { stateDirectory + "/identity.key" }
    public var peersPath: String { stateDirectory + "/peers.json" }
    /// How far this daemon's own history went, kept beside the log so a restored log shows (`PublishedMark`).
    public var publishedMarkPath: String { stateDirectory + "/published" }
}

/// Where an effective value came from, for `thrum config check`.
public enum ConfigSource: Sendable, Equatable, CustomStringConvertible {
    case defaultValue
    case file(String)
    case environment
    case systemd(String)

    public var description: String {
        switch self {
        case .defaultValue: return "default"
        case let .file(path): return path
        case .environment: return "environment"
        case let .systemd(variable): return "systemd ($\(variable))"
        }
    }
}

public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public let variable: String
    public let value: String
    public let problem: String
    public let origin: String

    public var description: String {
        "\(variable)=\"\(value)\" (from \(origin)) is not valid: \(problem)"
    }
}

/// The effective configuration with the source of every variable.
public struct LoadedConfig: Sendable {
    public var config: ThrumConfig
    public var sources: [String: ConfigSource]
    /// Raw effective text of every variable that was set (secrets included; callers redact).
    public var values: [String: String]
    public var warnings: [String]
}

/// Builds the configuration from, lowest to highest precedence: defaults,
/// systemd's `$STATE_DIRECTORY`/`$RUNTIME_DIRECTORY`, the env file, and the
/// process environment.
public enum ConfigLoader {
    /// - Parameters:
    ///   - environment: the process environment.
    ///   - readFile: returns the env file's text, nil when it does not exist.
    public static func load(environment: [String: String],
                            readFile: (String) throws -> String?) throws -> LoadedConfig {
        var values: [String: String] = [:]
        var sources: [String: ConfigSource] = [:]
        var warnings: [String] = []

        if let dir = environment["STATE_DIRECTORY"]?.split(separator: ":").first {
            values["THRUM_STATE_DIR"] = String(dir)
            sources["THRUM_STATE_DIR"] = .systemd("STATE_DIRECTORY")
        }
        if let dir = environment["RUNTIME_DIRECTORY"]?.split(separator: ":").first {
            values["THRUM_SOCKET"] = dir + "/thrum.sock"
            sources["THRUM_SOCKET"] = .systemd("RUNTIME_DIRECTORY")
        }

        let configPath = environment["THRUM_CONFIG"] ?? "/etc/thrum/thrum.env"
        if let text = try readFile(configPath) {
            for entry in try EnvFile.parse(text, path: configPath) {
                guard ConfigVariables.byName[entry.key] != nil else {
                    if entry.key.hasPrefix("THRUM_") {
                        throw ConfigError(variable: entry.key, value: entry.value,
                                          problem: "unknown variable; see thrum.env(5) for the list",
                                          origin: "\(configPath) line \(entry.line)")
                    }
                    continue
                }
                values[entry.key] = entry.value
                sources[entry.key] = .file(configPath)
            }
        }
        for variable in ConfigVariables.all {
            if let value = environment[variable.name] {
                values[variable.name] = value
                sources[variable.name] = .environment
            }
        }
        if values["THRUM_TAILSCALE_STATE_DIR"] != nil {
            warnings.append("THRUM_TAILSCALE_STATE_DIR is ignored: Thrum uses the host's tailscaled, which keeps its own state")
        }

        var config = ThrumConfig()
        for (name, value) in values {
            guard let variable = ConfigVariables.byName[name] else { continue }
            try apply(value, to: variable, in: &config, origin: sources[name]?.description ?? "default")
        }
        for variable in ConfigVariables.all where sources[variable.name] == nil {
            sources[variable.name] = .defaultValue
        }
        return LoadedConfig(config: config, sources: sources, values: values, warnings: warnings)
    }

    private static func apply(_ value: String, to variable: ConfigVariable, in c: inout ThrumConfig, origin: String) throws {
        func bad() -> ConfigError {
            ConfigError(variable: variable.name, value: variable.secret ? "<redacted>" : value,
                        problem: "expected \(variable.allowed)", origin: origin)
        }
        func parsed<T>(_ v: T?) throws -> T {
            guard let v else { throw bad() }
            return v
        }
        let P = ConfigValueParser.self
        let optionalText: String? = value.isEmpty ? nil : value
        switch variable.name {
        case "THRUM_TAILSCALE_ENABLED": c.tailscaleEnabled = try parsed(P.bool(value))
        case "THRUM_TAILSCALE_HOSTNAME": c.tailscaleHostname = optionalText
        case "THRUM_TAILSCALE_PORT": c.tailscalePort = try parsed(P.port(value))
        case "THRUM_TAILSCALE_AUTH_KEY": c.tailscaleAuthKey = optionalText
        case "THRUM_TAILSCALE_CONTROL_URL": c.tailscaleControlURL = optionalText
        case "THRUM_TAILSCALE_STATE_DIR": break
        case "THRUM_SECURITY_REQUIRE_SIGNATURES": c.requireSignatures = try parsed(P.bool(value))
        case "THRUM_SECURITY_ALLOWED_PEERS": c.allowedPeers = P.list(value)
        case "THRUM_SECURITY_REQUIRED_TAGS": c.requiredTags = P.list(value)
        case "THRUM_SECURITY_ALLOWED_DOMAINS": c.allowedDomains = P.list(value)
        case "THRUM_SECURITY_RATE_LIMIT_ENABLED": c.rateLimitEnabled = try parsed(P.bool(value))
        case "THRUM_SECURITY_MAX_REQUESTS_PER_SEC": c.maxRequestsPerSecond = try parsed(P.positiveDouble(value))
        case "THRUM_SECURITY_BURST_SIZE": c.burstSize = try parsed(P.positiveInt(value))
        case "THRUM_SECURITY_MAX_EVENT_SIZE": c.maxEventSize = try parsed(P.byteSize(value))
        case "THRUM_SECURITY_MAX_MESSAGE_SIZE": c.maxMessageSize = try parsed(P.byteSize(value))
        case "THRUM_SECURITY_MAX_QUEUE_DEPTH": c.maxQueueDepth = try parsed(P.positiveInt(value))
        case "THRUM_MAX_CONNECTIONS": c.maxConnections = try parsed(P.positiveInt(value))
        case "THRUM_MAX_REQUEST_SIZE": c.maxRequestSize = try parsed(P.byteSize(value))
        case "THRUM_REQUEST_BUFFER_BUDGET": c.requestBufferBudget = try parsed(P.byteSize(value))
        case "THRUM_QUARANTINE_MAX_EVENTS": c.quarantineMaxEvents = try parsed(P.positiveInt(value))
        case "THRUM_QUARANTINE_MAX_BYTES": c.quarantineMaxBytes = try parsed(P.byteSize(value))
        case "THRUM_STATE_DIR": c.stateDirectory = try parsed(P.path(value))
        case "THRUM_SOCKET": c.socketPath = try parsed(P.path(value))
        case "THRUM_CONFIG": c.configPath = try parsed(P.path(value))
        case "THRUM_TAILSCALE_SOCKET": c.tailscaleSocket = try parsed(P.path(value))
        case "THRUM_TAILSCALE_INTERFACE": c.tailscaleInterface = try parsed(value.isEmpty ? nil : value)
        case "THRUM_SYNC_LISTEN": c.syncListen = value.isEmpty ? nil : try parsed(P.hostPort(value))
        case "THRUM_METRICS_LISTEN": c.metricsListen = value.isEmpty ? nil : try parsed(P.hostPort(value))
        case "THRUM_SYNC_INTERVAL": c.syncInterval = try parsed(P.duration(value))
        case "THRUM_SYNC_RECENT_THRESHOLD": c.syncRecentThreshold = try parsed(P.duration(value))
        case "THRUM_RECEIPT_WINDOW": c.receiptWindow = try parsed(P.duration(value))
        case "THRUM_CLAIM_CONFIRM_WINDOW": c.claimConfirmWindow = try parsed(P.duration(value))
        case "THRUM_PEER_EXPIRY": c.peerExpiry = try parsed(P.durationOrNever(value))
        case "THRUM_RETENTION": c.retention = try parsed(P.durationOrNever(value))
        case "THRUM_LOG": c.logTarget = try parsed(ThrumConfig.LogTarget(rawValue: value))
        default: break
        }
    }
}

/// `KEY=value` lines, `#` comments, blank lines, optional single or double quotes,
/// an optional leading `export `. Anything else is an error with its line number.
public enum EnvFile {
    public struct Entry: Sendable, Equatable {
        public let key: String
        public let value: String
        public let line: Int
    }

    public static func parse(_ text: String, path: String) throws -> [Entry] {
        var entries: [Entry] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = rawLine.trimmingCharacters(in: " \t\r")
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)).trimmingCharacters(in: " \t") }
            guard let eq = line.firstIndex(of: "="),
                  case let key = String(line[..<eq]).trimmingCharacters(in: " \t"),
                  !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw ConfigError(variable: "line \(index + 1)", value: String(line),
                                  problem: "expected KEY=value", origin: path)
            }
            var value = String(line[line.index(after: eq)...]).trimmingCharacters(in: " \t")
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            entries.append(Entry(key: key, value: value, line: index + 1))
        }
        return entries
    }
}

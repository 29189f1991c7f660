import Testing
import ThrumCore

@Suite struct ConfigTests {
    func load(_ env: [String: String], file: String? = nil) throws -> LoadedConfig {
        try ConfigLoader.load(environment: env) { _ in file }
    }

    @Test func defaultsMatchTheSeedAndTheDesign() throws {
        let c = try load([:]).config
        #expect(c.tailscaleEnabled == false)
        #expect(c.tailscalePort == 4200)
        // DESIGN §7 departs from the seed: every daemon of this implementation signs.
        #expect(c.requireSignatures == true)
        #expect(c.requiredTags == ["tag:thrum-daemon"])
        #expect(c.rateLimitEnabled == false)
        #expect(c.maxRequestsPerSecond == 10)
        #expect(c.burstSize == 20)
        #expect(c.maxEventSize == 1 << 20)
        #expect(c.maxMessageSize == 100 << 10)
        #expect(c.maxQueueDepth == 1000)
        #expect(c.stateDirectory == "/var/lib/thrum")
        #expect(c.socketPath == "/run/thrum/thrum.sock")
        #expect(c.syncInterval == 300)
        #expect(c.syncRecentThreshold == 120)
        #expect(c.metricsListen == nil, "metrics are off by default")
    }

    @Test func theEnvironmentWinsOverTheFileWhichWinsOverSystemd() throws {
        let file = """
            # comment
            export THRUM_TAILSCALE_PORT=4300
            THRUM_STATE_DIR='/srv/thrum'
            THRUM_SECURITY_ALLOWED_PEERS = "a, b ,,c"
            """
        let loaded = try load(["THRUM_TAILSCALE_PORT": "4400", "STATE_DIRECTORY": "/var/lib/thrum-sd",
                               "RUNTIME_DIRECTORY": "/run/x"], file: file)
        #expect(loaded.config.tailscalePort == 4400)
        #expect(loaded.sources["THRUM_TAILSCALE_PORT"] == .environment)
        #expect(loaded.config.stateDirectory == "/srv/thrum")
        #expect(loaded.sources["THRUM_STATE_DIR"] == .file("/etc/thrum/thrum.env"))
        #expect(loaded.config.socketPath == "/run/x/thrum.sock")
        #expect(loaded.sources["THRUM_SOCKET"] == .systemd("RUNTIME_DIRECTORY"))
        #expect(loaded.config.allowedPeers == ["a", "b", "c"])
        #expect(loaded.sources["THRUM_SECURITY_BURST_SIZE"] == .defaultValue)
    }

    @Test(arguments: [
        ("THRUM_TAILSCALE_PORT", "0"), ("THRUM_TAILSCALE_PORT", "65536"), ("THRUM_TAILSCALE_PORT", "http"),
        ("THRUM_TAILSCALE_ENABLED", "maybe"), ("THRUM_SECURITY_BURST_SIZE", "-1"),
        ("THRUM_SECURITY_MAX_REQUESTS_PER_SEC", "0"), ("THRUM_SECURITY_MAX_EVENT_SIZE", "1GB"),
        ("THRUM_SYNC_INTERVAL", "5"), ("THRUM_SYNC_INTERVAL", "5x"), ("THRUM_STATE_DIR", "relative/path"),
        ("THRUM_SYNC_LISTEN", "no-port"), ("THRUM_SYNC_LISTEN", "::1:4200"), ("THRUM_LOG", "syslog"),
        ("THRUM_METRICS_LISTEN", ":9464"), ("THRUM_METRICS_LISTEN", "9464"), ("THRUM_METRICS_LISTEN", "127.0.0.1:0"),
        ("THRUM_METRICS_LISTEN", "localhost:http"),
    ])
    func aBadValueNamesTheVariableTheValueAndWhatIsAllowed(variable: String, value: String) {
        do {
            _ = try load([variable: value])
            Issue.record("\(variable)=\(value) was accepted")
        } catch let error as ConfigError {
            #expect(error.variable == variable)
            #expect(error.description.contains(value))
            #expect(error.description.contains("expected"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func goodValuesOfEachKindParse() throws {
        let c = try load([
            "THRUM_TAILSCALE_ENABLED": "yes", "THRUM_SYNC_INTERVAL": "1h30m", "THRUM_SYNC_RECENT_THRESHOLD": "500ms",
            "THRUM_SECURITY_MAX_EVENT_SIZE": "2MiB", "THRUM_SECURITY_MAX_MESSAGE_SIZE": "64KiB",
            "THRUM_SYNC_LISTEN": "[::1]:4201", "THRUM_SECURITY_REQUIRED_TAGS": "",
            "THRUM_METRICS_LISTEN": "0.0.0.0:9464",
        ]).config
        #expect(c.tailscaleEnabled)
        #expect(c.syncInterval == 5400)
        #expect(c.syncRecentThreshold == 0.5)
        #expect(c.maxEventSize == 2 << 20)
        #expect(c.maxMessageSize == 64 << 10)
        #expect(c.syncListen == HostPort(host: "::1", port: 4201))
        #expect(c.metricsListen == HostPort(host: "0.0.0.0", port: 9464))
        #expect(c.requiredTags.isEmpty, "empty means no tag check")
    }

    @Test func theEnvFileIsParsedStrictly() {
        #expect(throws: ConfigError.self) { try load([:], file: "THRUM_TAILSCALE_PROT=1\n") }
        #expect(throws: ConfigError.self) { try load([:], file: "just some words\n") }
        #expect((try? load([:], file: "OTHER_TOOL_SETTING=1\n")) != nil, "non-Thrum variables are left alone")
    }

    @Test func theIgnoredStateDirIsReported() throws {
        let loaded = try load(["THRUM_TAILSCALE_STATE_DIR": "/x"])
        #expect(loaded.warnings.contains { $0.contains("THRUM_TAILSCALE_STATE_DIR is ignored") })
    }
}

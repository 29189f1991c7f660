import ThrumControlAPI
import ThrumCore
import ThrumRPC
import ThrumStore

extension ControlHandlers {
    func identity() -> ControlResults.Identity {
        ControlResults.Identity(daemonID: daemon.identity.daemonID, publicKey: daemon.identity.publicKeyBase64,
                                fingerprint: daemon.identity.fingerprint, keyPath: daemon.config.identityKeyPath)
    }

    func health() async -> ControlResults.Health {
        let (count, latest) = (daemon.store.eventCount, daemon.store.latestSeq)
        let forks = try? await forkRecords()
        let history = ownHistory()
        // "ok" unless this daemon cannot write: its own history forked, or is not known.
        let status = forks?.contains(where: \.ownHistory) == true ? "forked" : history.state == "unknown" ? "history_unknown" : "ok"
        var health = ControlResults.Health(status: status, daemonID: daemon.identity.daemonID, version: ThrumVersion.current,
                                           uptimeSeconds: Int((ContinuousClock.now - daemon.startedAt).components.seconds),
                                           eventCount: count, latestSeq: latest,
                                           tailscaleSync: syncSummary(), syncTraffic: daemon.sync?.traffic())
        health.forks = forks
        health.ownHistory = history
        return health
    }

    func forkRecords() async throws -> [ControlResults.Fork] {
        let me = daemon.identity.daemonID
        return try await reading { store in
            try store.forks().map {
                ControlResults.Fork(origin: $0.origin, sequence: $0.sequence, detectedAt: $0.detectedAt,
                                    fromDaemon: $0.fromDaemon, ownHistory: $0.origin == me)
            }
        }
    }

    func ownHistory() -> ControlResults.OwnHistory {
        switch daemon.history.state {
        case .known: return ControlResults.OwnHistory(state: "known", detail: nil)
        case let .learning(behind): return ControlResults.OwnHistory(state: "learning", detail: OwnHistory.describe(learning: behind))
        case let .unknown(reason): return ControlResults.OwnHistory(state: "unknown", detail: reason)
        }
    }

    func status() async -> StatusResult {
        // Status must answer even when the store is unhappy, so a person can see why.
        let counts: Result<(Int, Int64, Int, LogFootprint), any Error>
        do {
            counts = .success(try await reading { store in
                (try store.eventCount(), try store.latestSeq(), try store.agents().count, try store.footprint())
            })
        } catch {
            counts = .failure(error)
        }
        var result = StatusResult(daemonID: daemon.identity.daemonID, version: ThrumVersion.current, hostname: daemon.hostname,
                                  uptimeSeconds: Int((ContinuousClock.now - daemon.startedAt).components.seconds),
                                  stateDirectory: daemon.config.stateDirectory, socket: daemon.config.socketPath,
                                  eventCount: 0, latestSeq: 0, agentCount: 0, storeProblem: nil,
                                  tailscaleSync: syncSummary())
        result.retentionSeconds = daemon.store.writer.retention.map { Int($0.windowMS / 1000) }
        result.forks = try? await forkRecords()
        result.ownHistory = ownHistory()
        result.claims = try? await reading { try ClaimSummary.counts(in: $0, nowMS: Self.nowMS()) }
        switch counts {
        case let .success((events, seq, agents, footprint)):
            result.eventCount = events
            result.logBytes = footprint.bytesOnDisk
            result.oldestEvent = footprint.oldestEvent
            result.latestSeq = seq
            result.agentCount = agents
        case let .failure(error):
            result.storeProblem = "\(error)"
        }
        return result
    }

    /// The text `/metrics` serves, whether or not THRUM_METRICS_LISTEN is set.
    func metrics() -> ControlResults.Metrics {
        ControlResults.Metrics(text: String(decoding: daemon.metrics.render(), as: UTF8.self))
    }

    func syncSummary() -> ControlResults.TailscaleSync {
        daemon.sync?.summary() ?? ControlResults.TailscaleSync(
            enabled: false, hostname: daemon.hostname, peerCount: 0, peers: [], lastSync: nil, listening: nil, registryProblem: nil)
    }

    private func requireSync() throws -> any SyncControl {
        guard let sync = daemon.sync else {
            throw RPCError.application("Tailscale sync is disabled; set THRUM_TAILSCALE_ENABLED=true in \(daemon.config.configPath) and restart the daemon")
        }
        return sync
    }

    func forceSync() async throws -> SyncOutcomes {
        SyncOutcomes(peers: await (try requireSync()).forceSync())
    }

    func peers() throws -> PeerList {
        PeerList(peers: try requireSync().peerSummaries())
    }

    func addPeer(_ p: ControlParams.PeerAdd) async throws -> AddedPeer {
        guard let address = HostPort(parsing: p.address) else {
            throw RPCError.invalidParams("\"\(p.address.prefix(200))\" is not HOST:PORT (for example workstation.tailnet:4200)")
        }
        do {
            return try await requireSync().addPeer(address: address.description)
        } catch let error as RPCError {
            throw error
        } catch {
            throw RPCError.application("cannot add \(address): \(error)")
        }
    }

    func removePeer(_ p: ControlParams.PeerRemove) throws -> RemovedPeers {
        guard !p.peer.allSatisfy(\.isWhitespace) else {
            throw RPCError.invalidParams("name the peer to remove by its daemon ID or HOST:PORT (see thrum tsync peers list)")
        }
        return try requireSync().removePeer(p.peer)
    }

    func quarantine(_ p: ControlParams.Quarantine) async throws -> QuarantineList {
        let limit = p.limit.map { min(max($0, 1), 10_000) }
        let events = try await reading { try $0.quarantined(peer: p.peer, limit: limit) }
        return QuarantineList(events: events.map(QuarantineRecord.init),
                              dropped: daemon.store.writer.quarantineDropped)
    }
}

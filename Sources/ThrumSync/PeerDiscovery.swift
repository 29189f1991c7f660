import Logging
import ThrumCore
import ThrumTailscale

/// Finds sync peers through tailscaled (DESIGN §6, Discovery): on start and
/// every `THRUM_SYNC_INTERVAL`, LocalAPI `status`; each online peer carrying a
/// required tag is asked `sync.peer_info` at `DNSName:port` (or, when MagicDNS
/// does not resolve, at its Tailscale IPs) and added to the registry as
/// `discovered`. Offline peers are never dialed.
public struct PeerDiscovery: Sendable {
    let manager: SyncManager
    let status: @Sendable () async throws(LocalAPIError) -> TailscaleStatus
    let requiredTags: [String]
    let port: Int
    let interval: Double
    let logger: Logger

    public init(manager: SyncManager, config: ThrumConfig, logger: Logger,
                status: @escaping @Sendable () async throws(LocalAPIError) -> TailscaleStatus) {
        self.manager = manager
        self.status = status
        requiredTags = config.requiredTags
        port = config.tailscalePort
        interval = config.syncInterval
        var logger = logger
        logger[metadataKey: "component"] = "discovery"
        self.logger = logger
    }

    /// Discovers now, then every interval, until the calling task is cancelled.
    public func run() async {
        while !Task.isCancelled {
            await discoverOnce()
            do {
                try await Task.sleep(for: .seconds(max(interval, 0.001)))
            } catch {
                return
            }
        }
    }

    /// One pass; returns the peers it added or refreshed.
    @discardableResult
    public func discoverOnce() async -> [PeerRecord] {
        let answer: TailscaleStatus
        do {
            answer = try await status()
        } catch {
            logger.warning("discovery: cannot ask tailscaled for its peers: \(error)")
            return []
        }
        let known = manager.registry.all()
        let eligible = DiscoveryFilter.peers(in: answer, requiredTags: requiredTags)
        // A known address is asked again when its entry answers as another daemon
        // (a re-imaged runner with a new key): the key proof decides who it is now.
        let changed = known.filter { manager.answersAsAnotherDaemon($0.daemonID) }
        let candidates = eligible.filter { candidate in
            !known.contains { isSame($0, as: candidate) && !changed.contains($0) }
        }
        let added = await withTaskGroup(of: PeerRecord?.self) { group in
            for candidate in candidates {
                let replacing = changed.filter { isSame($0, as: candidate) }
                group.addTask {
                    guard let record = await add(candidate) else { return nil }
                    replace(replacing, with: record, host: candidate.hostName)
                    return record
                }
            }
            var added: [PeerRecord] = []
            for await record in group {
                if let record { added.append(record) }
            }
            return added
        }
        let tagText = requiredTags.isEmpty ? "any tag" : requiredTags.joined(separator: " or ")
        logger.info("discovery: \(eligible.count) online peer(s) with \(tagText), \(candidates.count) not yet known, \(added.count) added")
        return added
    }

    /// Asks the candidate who it is, by name first, then by each address.
    private func add(_ candidate: DiscoveredPeer) async -> PeerRecord? {
        let addresses = (candidate.dnsName.isEmpty ? [] : [hostPort(candidate.dnsName)]) + candidate.tailscaleIPs.map(hostPort)
        var failures: [String] = []
        for address in addresses {
            do {
                let record = try await manager.addPeer(address: address, source: .discovered,
                                                       tailscaleIP: candidate.tailscaleIPs.first)
                logger.info("discovery: added peer \(candidate.hostName) (\(record.daemonID)) at \(address)",
                            metadata: ["peer": "\(record.daemonID)"])
                return record
            } catch .unreachable(let reason) {
                failures.append(reason)
            } catch .isSelf {
                return nil
            } catch {
                failures.append("\(error)")
                break
            }
        }
        logger.warning("discovery: \(candidate.hostName) is online in the tailnet but did not answer sync.peer_info: \(failures.joined(separator: "; "))")
        return nil
    }

    /// Drops the entries the re-asked address used to answer for, now that it proved another key.
    private func replace(_ old: [PeerRecord], with record: PeerRecord, host: String) {
        let gone = old.filter { $0.daemonID != record.daemonID }.map(\.daemonID)
        guard !gone.isEmpty else { return }
        // addPeer already dropped an entry at the very same address; this catches one under another address.
        gone.forEach(manager.backoff.forget)
        do {
            try manager.drop { gone.contains($0.daemonID) }
        } catch {
            logger.error("discovery: cannot drop \(gone.joined(separator: ", ")) from peers.json: \(error)")
            return
        }
        logger.notice("discovery: \(host) now answers as \(record.daemonID) with a new key (re-imaged?); it replaces \(gone.joined(separator: ", ")) in the registry",
                      metadata: ["peer": "\(record.daemonID)"])
    }

    private func hostPort(_ host: String) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// A registered peer at one of the candidate's addresses needs no new `sync.peer_info`.
    private func isSame(_ record: PeerRecord, as candidate: DiscoveredPeer) -> Bool {
        let addresses = Set(([candidate.dnsName] + candidate.tailscaleIPs).map(hostPort))
        return addresses.contains(record.address)
            || record.tailscaleIP.map { candidate.tailscaleIPs.contains($0) && record.source == .discovered } == true
    }
}

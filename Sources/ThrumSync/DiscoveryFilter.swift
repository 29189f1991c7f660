import ThrumTailscale

/// A tailnet node worth asking `sync.peer_info`.
public struct DiscoveredPeer: Sendable, Equatable {
    public var hostName: String
    /// MagicDNS name without the trailing dot, the address to dial.
    public var dnsName: String
    public var tailscaleIPs: [String]

    public init(hostName: String, dnsName: String, tailscaleIPs: [String]) {
        self.hostName = hostName
        self.dnsName = dnsName
        self.tailscaleIPs = tailscaleIPs
    }
}

/// Picks sync candidates from LocalAPI `status` (DESIGN §6, Discovery).
public enum DiscoveryFilter {
    /// Online peers carrying any of `requiredTags` (every online peer when it is empty),
    /// never this node itself, ordered by host name.
    public static func peers(in status: TailscaleStatus, requiredTags: [String]) -> [DiscoveredPeer] {
        let selfDNSName = status.selfNode.map { MagicDNS.withoutTrailingDot($0.dnsName) }
        return status.peers.values
            .filter { $0.online }
            .filter { requiredTags.isEmpty || $0.tags.contains(where: requiredTags.contains) }
            .map {
                DiscoveredPeer(
                    hostName: $0.hostName, dnsName: MagicDNS.withoutTrailingDot($0.dnsName),
                    tailscaleIPs: $0.tailscaleIPs)
            }
            .filter { $0.dnsName != selfDNSName }
            .sorted { ($0.hostName, $0.dnsName) < ($1.hostName, $1.dnsName) }
    }
}

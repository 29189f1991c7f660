/// The answer of `GET /localapi/v0/status`, reduced to what peer discovery uses.
public struct TailscaleStatus: Sendable, Equatable, Decodable {
    /// This machine. Absent when tailscaled is logged out.
    public var selfNode: PeerStatus?
    /// Every other node, keyed by node public key (`nodekey:…`).
    public var peers: [String: PeerStatus]
    /// User profiles keyed by numeric user ID (as text, the way JSON carries it).
    public var users: [String: UserProfile]

    public init(selfNode: PeerStatus?, peers: [String: PeerStatus], users: [String: UserProfile] = [:]) {
        self.selfNode = selfNode
        self.peers = peers
        self.users = users
    }

    private enum CodingKeys: String, CodingKey {
        case selfNode = "Self"
        case peers = "Peer"
        case users = "User"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        selfNode = try container.decodeIfPresent(PeerStatus.self, forKey: .selfNode)
        // A node with no peers gets `"Peer": null` or no key at all.
        peers = try container.decodeIfPresent([String: PeerStatus].self, forKey: .peers) ?? [:]
        users = try container.decodeIfPresent([String: UserProfile].self, forKey: .users) ?? [:]
    }
}

public struct PeerStatus: Sendable, Equatable, Decodable {
    public var hostName: String
    /// Fully qualified MagicDNS name with a trailing dot.
    public var dnsName: String
    public var tailscaleIPs: [String]
    public var tags: [String]
    public var online: Bool

    public init(hostName: String, dnsName: String, tailscaleIPs: [String], tags: [String] = [], online: Bool) {
        self.hostName = hostName
        self.dnsName = dnsName
        self.tailscaleIPs = tailscaleIPs
        self.tags = tags
        self.online = online
    }

    private enum CodingKeys: String, CodingKey {
        case hostName = "HostName"
        case dnsName = "DNSName"
        case tailscaleIPs = "TailscaleIPs"
        case tags = "Tags"
        case online = "Online"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        hostName = try container.decodeIfPresent(String.self, forKey: .hostName) ?? ""
        dnsName = try container.decodeIfPresent(String.self, forKey: .dnsName) ?? ""
        tailscaleIPs = try container.decodeIfPresent([String].self, forKey: .tailscaleIPs) ?? []
        tags = try container.decodeIfPresent([String].self, forKey: .tags) ?? []
        online = try container.decodeIfPresent(Bool.self, forKey: .online) ?? false
    }
}

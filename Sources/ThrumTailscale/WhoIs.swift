/// The answer of `GET /localapi/v0/whois`: which node and user own an address.
/// Only the fields Thrum uses are decoded; tailscaled sends many more, which are ignored.
public struct WhoIs: Sendable, Equatable, Decodable {
    public var node: Node
    public var userProfile: UserProfile

    public init(node: Node, userProfile: UserProfile) {
        self.node = node
        self.userProfile = userProfile
    }

    public struct Node: Sendable, Equatable, Decodable {
        /// MagicDNS name with a trailing dot, e.g. `ci-runner.tail1234.ts.net.`.
        public var name: String
        public var computedName: String
        public var hostinfo: Hostinfo
        public var tags: [String]
        /// CIDR prefixes, e.g. `100.101.102.103/32`.
        public var addresses: [String]

        public init(
            name: String, computedName: String = "", hostinfo: Hostinfo = Hostinfo(),
            tags: [String] = [], addresses: [String] = []
        ) {
            self.name = name
            self.computedName = computedName
            self.hostinfo = hostinfo
            self.tags = tags
            self.addresses = addresses
        }

        private enum CodingKeys: String, CodingKey {
            case name = "Name"
            case computedName = "ComputedName"
            case hostinfo = "Hostinfo"
            case tags = "Tags"
            case addresses = "Addresses"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decodeIfPresent(String.self, forKey: .name) ?? ""
            computedName = try container.decodeIfPresent(String.self, forKey: .computedName) ?? ""
            hostinfo = try container.decodeIfPresent(Hostinfo.self, forKey: .hostinfo) ?? Hostinfo()
            // Go omits or nulls empty slices: an untagged node has no `Tags` at all.
            tags = try container.decodeIfPresent([String].self, forKey: .tags) ?? []
            addresses = try container.decodeIfPresent([String].self, forKey: .addresses) ?? []
        }
    }

    public struct Hostinfo: Sendable, Equatable, Decodable {
        public var hostname: String

        public init(hostname: String = "") { self.hostname = hostname }

        private enum CodingKeys: String, CodingKey { case hostname = "Hostname" }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            hostname = try container.decodeIfPresent(String.self, forKey: .hostname) ?? ""
        }
    }

    private enum CodingKeys: String, CodingKey {
        case node = "Node"
        case userProfile = "UserProfile"
    }

    /// The short host name: ComputedName, else Hostinfo.Hostname, else the first label of Name.
    public var hostName: String {
        if !node.computedName.isEmpty { return node.computedName }
        if !node.hostinfo.hostname.isEmpty { return node.hostinfo.hostname }
        return node.name.split(separator: ".", maxSplits: 1).first.map(String.init) ?? ""
    }

    /// The MagicDNS name without its trailing dot.
    public var dnsName: String { MagicDNS.withoutTrailingDot(node.name) }

    public var tags: [String] { node.tags }

    /// `user@domain` for a person's node, `tagged-devices` for a tagged node.
    public var loginName: String { userProfile.loginName }
}

/// MagicDNS names arrive fully qualified (`host.tailnet.ts.net.`); people write them without the dot.
public enum MagicDNS {
    public static func withoutTrailingDot(_ name: String) -> String {
        name.hasSuffix(".") ? String(name.dropLast()) : name
    }
}

import ThrumCore
import ThrumTailscale

/// Who may open a sync connection (DESIGN §7, WhoIs authorization). An empty list turns its check off.
public struct AuthorizationPolicy: Sendable, Equatable {
    /// Host names (short, or MagicDNS without the trailing dot), compared case-insensitively.
    public var allowedPeers: [String]
    /// The peer must carry at least one of these ACL tags.
    public var requiredTags: [String]
    /// Login domains, the part after `@` of the owner's login name.
    public var allowedDomains: [String]

    public init(allowedPeers: [String] = [], requiredTags: [String] = [], allowedDomains: [String] = []) {
        self.allowedPeers = allowedPeers
        self.requiredTags = requiredTags
        self.allowedDomains = allowedDomains
    }

    public init(config: ThrumConfig) {
        self.init(
            allowedPeers: config.allowedPeers, requiredTags: config.requiredTags,
            allowedDomains: config.allowedDomains)
    }
}

/// The outcome of authorizing one remote address, with everything the log line needs.
public struct AuthorizationDecision: Sendable, Equatable {
    public var allowed: Bool
    /// The peer's host name, or its IP when tailscaled does not know it.
    public var host: String
    public var login: String
    public var tags: [String]
    /// Why the peer was denied; empty when allowed.
    public var reasons: [String]
    /// True when tailscaled could not be asked; such a denial must not be remembered for long.
    public var lookupFailed: Bool

    public init(allowed: Bool, host: String, login: String, tags: [String], reasons: [String], lookupFailed: Bool = false) {
        self.allowed = allowed
        self.host = host
        self.login = login
        self.tags = tags
        self.reasons = reasons
        self.lookupFailed = lookupFailed
    }

    public var logLine: String {
        let who = "peer \(host) (login: \(login.isEmpty ? "-" : login), tags: [\(tags.joined(separator: ", "))])"
        return allowed
            ? "[sync_auth] ALLOWED \(who)"
            : "[sync_auth] DENIED \(who): \(reasons.joined(separator: "; "))"
    }
}

/// Applies an `AuthorizationPolicy` to tailscaled's answer about a remote address.
public struct PeerAuthorizer: Sendable {
    public let policy: AuthorizationPolicy

    public init(policy: AuthorizationPolicy) {
        self.policy = policy
    }

    /// Runs every configured check in order (allowed peers, required tags, allowed domains)
    /// and reports all that fail. `whois` nil means tailscaled knows no node at `remoteIP`.
    public func authorize(_ whois: WhoIs?, remoteIP: String) -> AuthorizationDecision {
        guard let whois else {
            return AuthorizationDecision(
                allowed: false, host: remoteIP, login: "", tags: [],
                reasons: ["not a tailnet peer (tailscaled knows no node with this address)"])
        }
        let reasons = [peerReason(whois), tagReason(whois), domainReason(whois)].compactMap { $0 }
        return AuthorizationDecision(
            allowed: reasons.isEmpty, host: whois.hostName, login: whois.loginName, tags: whois.tags,
            reasons: reasons)
    }

    /// Fail closed: without tailscaled's answer nobody is let in.
    public func denyUnreachable(remoteIP: String, error: LocalAPIError) -> AuthorizationDecision {
        AuthorizationDecision(
            allowed: false, host: remoteIP, login: "", tags: [],
            reasons: ["tailscaled unreachable: \(error)"], lookupFailed: true)
    }

    private func peerReason(_ whois: WhoIs) -> String? {
        guard !policy.allowedPeers.isEmpty else { return nil }
        let names = [whois.hostName.lowercased(), whois.dnsName.lowercased()]
        if policy.allowedPeers.contains(where: { names.contains($0.lowercased()) }) { return nil }
        return "host \(whois.hostName) is not in allowed peers [\(policy.allowedPeers.joined(separator: ", "))]"
    }

    private func tagReason(_ whois: WhoIs) -> String? {
        guard !policy.requiredTags.isEmpty else { return nil }
        if whois.tags.contains(where: policy.requiredTags.contains) { return nil }
        return "missing required tag (needs one of [\(policy.requiredTags.joined(separator: ", "))])"
    }

    private func domainReason(_ whois: WhoIs) -> String? {
        guard !policy.allowedDomains.isEmpty else { return nil }
        let allowedList = "[\(policy.allowedDomains.joined(separator: ", "))]"
        // `tagged-devices` (a tagged node's owner) has no `@`, so no domain can match it.
        guard let at = whois.loginName.lastIndex(of: "@") else {
            return "login \(whois.loginName) has no domain; allowed domains are \(allowedList)"
        }
        let domain = whois.loginName[whois.loginName.index(after: at)...].lowercased()
        if policy.allowedDomains.contains(where: { Self.normalizedDomain($0) == domain }) { return nil }
        return "login domain \(domain) is not in allowed domains \(allowedList)"
    }

    /// Accepts `company.com` and `@company.com` alike.
    private static func normalizedDomain(_ domain: String) -> String {
        (domain.hasPrefix("@") ? String(domain.dropFirst()) : domain).lowercased()
    }
}

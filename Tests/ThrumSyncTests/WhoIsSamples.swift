import ThrumTailscale

/// Nodes shaped like the LocalAPI samples in Tests/support/localapi.
enum WhoIsSamples {
    static let ciRunner = WhoIs(
        node: .init(
            name: "ci-runner.tail1234.ts.net.", computedName: "ci-runner",
            hostinfo: .init(hostname: "ci-runner"), tags: ["tag:thrum-daemon"],
            addresses: ["100.101.102.103/32"]),
        userProfile: .init(loginName: "tagged-devices", displayName: "tagged-devices"))

    static let workstation = WhoIs(
        node: .init(
            name: "workstation.tail1234.ts.net.", computedName: "workstation",
            hostinfo: .init(hostname: "workstation"), addresses: ["100.70.80.90/32"]),
        userProfile: .init(loginName: "alice@company.com", displayName: "Alice Example"))

    static func person(_ host: String, login: String, tags: [String] = []) -> WhoIs {
        WhoIs(
            node: .init(name: host + ".tail1234.ts.net.", computedName: host, tags: tags),
            userProfile: .init(loginName: login, displayName: login))
    }
}

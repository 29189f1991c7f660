import ThrumTestSupport
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// Tests/support/fake-tailscaled.py serving a tailnet map on a unix socket, the
/// LocalAPI the daemons under test reach through THRUM_TAILSCALE_SOCKET.
final class TailnetStandIn: @unchecked Sendable {
    /// One node of the map (format at the top of fake-tailscaled.py).
    struct Node {
        var hostname: String
        var ips: [String]
        var tags: [String] = ["tag:thrum-daemon"]
        var login: String?
        var online = true

        var json: String {
            let quoted = { (items: [String]) in "[" + items.map { "\"\($0)\"" }.joined(separator: ",") + "]" }
            let login = self.login ?? (tags.isEmpty ? "nobody@example.com" : "tagged-devices")
            return #"{"hostname":"\#(hostname)","ips":\#(quoted(ips)),"tags":\#(quoted(tags)),"login":"\#(login)","online":\#(online)}"#
        }
    }

    let socketPath: String
    let mapPath: String
    private let process: TestProcess

    static let script: String = {
        let root = String(#filePath.split(separator: "/Tests/").first.map { "\($0)" } ?? ".")
        return root + "/Tests/support/fake-tailscaled.py"
    }()

    /// Every sync connection on loopback comes from 127.0.0.1, so by default
    /// that address is one tagged node: every daemon of a cluster is authorized.
    /// Offline, so discovery never dials it (WhoIs ignores `online`).
    static let loopbackNode = Node(hostname: "loopback", ips: ["127.0.0.1"], online: false)

    init(directory: String, nodes: [Node] = [TailnetStandIn.loopbackNode], selfName: String = "test-self") throws {
        socketPath = directory + "/tailscaled.sock"
        mapPath = directory + "/tailnet.json"
        try Self.write(nodes, selfName: selfName, to: mapPath)
        process = try TestProcess("/usr/bin/python3", [Self.script, "--socket", socketPath, "--map", mapPath],
                                  environment: ["PATH": "/usr/bin:/bin"], outputDirectory: directory)
        let deadline = ContinuousClock.now + .seconds(15)
        while !TestFiles.exists(socketPath) {
            guard process.isRunning, ContinuousClock.now < deadline else {
                throw TestFailure("fake-tailscaled.py did not start: \(process.stderr)")
            }
            usleep(10_000)
        }
    }

    /// Replaces the map; the stand-in reads it on every request.
    func update(_ nodes: [Node], selfName: String = "test-self") throws {
        try Self.write(nodes, selfName: selfName, to: mapPath)
    }

    func stop() {
        guard process.isRunning else { return }
        process.signal(SIGTERM)
        _ = try? process.wait(timeout: .seconds(5))
    }

    private static func write(_ nodes: [Node], selfName: String, to path: String) throws {
        let body = #"{"self":"\#(selfName)","tailnet":"tail1234.ts.net","nodes":[\#(nodes.map(\.json).joined(separator: ","))]}"#
        // Written aside and renamed, so a request never reads half a map.
        try TestFiles.write(path + ".new", body)
        guard rename(path + ".new", path) == 0 else { throw TestFailure("cannot replace \(path)") }
    }
}

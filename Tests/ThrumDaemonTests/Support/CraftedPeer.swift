import ThrumTestSupport
import FoundationEssentials
import ThrumCore
import ThrumSystem
#if canImport(Glibc)
import Glibc
#endif

/// A sync peer that serves hand-made events (any JSON at all, forged or
/// broken) through the real sync protocol, so a daemon under test pulls exactly
/// what an attacker or a buggy peer would send. Tests/support/crafted-peer.py
/// in its own process: nothing the test blocks on can stall it.
final class CraftedPeer: @unchecked Sendable {
    let identity: DaemonIdentity
    let directory: String
    /// The daemon it claims to be: its own identity, or (an impostor) another daemon's public identity.
    let claimed: DaemonIdentity?
    private(set) var port = 0
    private var lines: [String] = []
    private var process: TestProcess?

    var address: String { "127.0.0.1:\(port)" }
    private var logPath: String { directory + "/crafted-events.jsonl" }

    /// With `impersonating`, it answers `sync.peer_info` with that daemon's ID and public key,
    /// but cannot sign the key challenge (it lacks that daemon's private key). With `identity`,
    /// it is that daemon, key and all: two crafted peers with one identity can serve two
    /// daemons two histories of it. `directory` must be its own.
    init(directory: String, impersonating: DaemonIdentity? = nil, identity: DaemonIdentity = DaemonIdentity(keyPair: .generate())) {
        self.directory = directory
        self.claimed = impersonating
        self.identity = identity
    }

    func start() throws {
        let who = claimed ?? identity
        let seed = claimed == nil ? #","_seed":"\#(Hex.encode(identity.keyPair.seed))""# : ""
        let info = #"{"daemon_id":"\#(who.daemonID)","hostname":"crafted","public_key":"\#(who.publicKeyBase64)","fingerprint":"\#(who.fingerprint)","version":"test"\#(seed)}"#
        try TestFiles.write(directory + "/crafted-info.json", info)
        try TestFiles.write(logPath, lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n")
        let portFile = directory + "/crafted-port"
        let script = String(#filePath.split(separator: "/Tests/").first.map { "\($0)" } ?? ".") + "/Tests/support/crafted-peer.py"
        let started = try TestProcess("/usr/bin/python3", [script, "--info", directory + "/crafted-info.json", "--log", logPath,
                                                          "--port-file", portFile],
                                      environment: ["PATH": "/usr/bin:/bin"], outputDirectory: directory)
        process = started
        let deadline = ContinuousClock.now + .seconds(15)
        while !TestFiles.exists(portFile) {
            guard started.isRunning, ContinuousClock.now < deadline else { throw TestFailure("crafted-peer.py did not start: \(started.stderr)") }
            usleep(10_000)
        }
        port = Int(try TestFiles.read(portFile).trimmed) ?? 0
    }

    func stop() {
        guard let process, process.isRunning else { return }
        process.signal(SIGTERM)
        _ = try? process.wait(timeout: .seconds(5))
    }

    /// Appends events to the served log, one `seq` each.
    func append(_ events: [Event]) throws {
        for event in events {
            lines.append(String(decoding: try JSONEncoder().encode(event), as: UTF8.self))
        }
        try TestFiles.write(logPath + ".new", lines.joined(separator: "\n") + "\n")
        guard rename(logPath + ".new", logPath) == 0 else { throw TestFailure("cannot replace \(logPath)") }
    }

    /// A signed event of this peer (or of `signer`), with `change` applied before signing.
    func signed(_ type: String, _ data: String, sequence: Int64, timestamp: String = Timestamp.now(),
                by signer: DaemonIdentity? = nil, _ change: (inout Event) -> Void = { _ in }) -> Event {
        let signer = signer ?? identity
        var event = Event(eventID: EventIDs.next(prefix: "evt_"), type: type, timestamp: timestamp,
                          originDaemon: signer.daemonID, originKey: signer.publicKeyBase64, sequence: sequence,
                          data: data, signature: nil)
        change(&event)
        event.signature = Data(signer.keyPair.sign(event.signingPayload)).base64EncodedString()
        return event
    }
}

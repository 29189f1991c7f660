import Testing
import ThrumControlAPI
import ThrumCore
import ThrumRPC
import ThrumStore
#if canImport(Glibc)
import Glibc
#endif

extension DaemonProcessTests {
/// SIGKILL in the middle of a stream of writes loses nothing that was acknowledged.
@Suite
struct CrashRecoveryTests {
    @Test(arguments: 0..<8)
    func killedMidWriteKeepsEveryAcknowledgedEvent(round: Int) async throws {
        let d = DaemonFixture(name: "crash\(round)")
        defer { d.cleanup() }
        try d.start()
        try d.ok(["agent", "register", "alice"])
        try d.ok(["agent", "register", "bob"])

        let acknowledged = AcknowledgedWrites()
        let writer = Task {
            try? await LineRPCClient.withConnection(to: .unixPath(d.socketPath)) { connection in
                for i in 0..<100_000 {
                    let params = ControlParams.Send(agent: "alice", to: "@bob", text: "message \(i)", threadID: nil)
                    let written: ControlResults.Written = try await connection.call(ControlMethod.messageSend.rawValue, params)
                    acknowledged.add(written.eventID)
                }
            }
        }
        // Kill after a different number of acknowledged writes each round, plus a
        // little jitter so the kill lands at varying points inside a write.
        let target = 40 + 53 * round
        let deadline = ContinuousClock.now + .seconds(60)
        while acknowledged.all.count < target, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(2))
        }
        usleep(UInt32.random(in: 0...3000))
        try d.kill9()
        _ = await writer.result

        let acked = acknowledged.all
        #expect(acked.count > 0, "some writes were acknowledged before the kill")
        let store = try EventStore(path: d.stateDirectory + "/thrum.db")
        let held = Set(try store.events(afterSeq: 0, limit: 100_000, maxBytes: .max).events.map(\.event.eventID))
        for id in acked { #expect(held.contains(id), "acknowledged \(id) is missing after SIGKILL") }
        let before = try store.projectionSnapshot()
        try store.rebuildProjections()
        #expect(try store.projectionSnapshot() == before, "projections match the log after a crash")
        store.close()

        // The daemon starts again on the same files and keeps counting.
        try d.start()
        let next = try d.ok(["send", "--to", "@bob", "after restart"], agent: "alice")
        #expect(next.hasPrefix("msg_"))
    }
}
}

final class AcknowledgedWrites: @unchecked Sendable {
    private var ids: [String] = []
    private var lock = pthread_mutex_t()
    init() { pthread_mutex_init(&lock, nil) }
    func add(_ id: String) { pthread_mutex_lock(&lock); ids.append(id); pthread_mutex_unlock(&lock) }
    var all: [String] { pthread_mutex_lock(&lock); defer { pthread_mutex_unlock(&lock) }; return ids }
}

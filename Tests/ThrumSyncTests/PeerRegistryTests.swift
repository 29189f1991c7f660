import ThrumTestSupport
import FoundationEssentials
import Testing
import ThrumCore
@testable import ThrumSync

@Suite struct PeerRegistryTests {
    private func record(_ id: String, port: Int = 4200) -> PeerRecord {
        PeerRecord(daemonID: id, hostname: "host-\(id)", address: "10.0.0.1:\(port)", tailscaleIP: "100.64.0.7",
                   publicKey: "key", fingerprint: "SHA256:x", source: .discovered, addedAt: Timestamp.now())
    }

    @Test func changesSurviveARestartAndLeaveNoTemporaryFiles() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path + "/peers.json"
        let registry = PeerRegistry(path: path)
        #expect(registry.all().isEmpty)
        #expect(registry.registryProblem == nil)

        try registry.upsert(record("d_one", port: 1))
        try registry.upsert(record("d_two", port: 2))
        try registry.update(daemonID: "d_one") { $0.status = "idle"; $0.lastSync = "2026-01-01T00:00:00.000Z" }
        try registry.remove(daemonID: "d_two")

        let reopened = PeerRegistry(path: path)
        #expect(reopened.all() == registry.all())
        #expect(reopened.all().map(\.daemonID) == ["d_one"])
        #expect(reopened.peer(daemonID: "d_one")?.lastSync == "2026-01-01T00:00:00.000Z")
        #expect(folder.files() == ["peers.json"])
        let text = String(decoding: try #require(try AtomicFile.read(path)), as: UTF8.self)
        #expect(text.contains("\"daemon_id\" : \"d_one\""))
        #expect(text.contains("\"tailscale_ip\" : \"100.64.0.7\""))
        #expect(text.contains("\"source\" : \"discovered\""))
    }

    @Test func aNewDaemonAtAnOldAddressReplacesTheOldEntry() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let registry = PeerRegistry(path: folder.path + "/peers.json")
        try registry.upsert(record("d_old"))
        try registry.upsert(record("d_new"))
        #expect(registry.all().map(\.daemonID) == ["d_new"])
    }

    @Test func aCorruptFileIsMovedAsideAndReportedNotEmptied() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path + "/peers.json"
        let garbage = Array("{\"version\":1,\"peers\":[{\"daemon_id\":".utf8)
        try AtomicFile.write(garbage, to: path)

        let registry = PeerRegistry(path: path)
        let problem = try #require(registry.registryProblem)
        #expect(problem.contains("not valid JSON"))
        #expect(problem.contains("peers.json.corrupt-"))
        #expect(registry.all().isEmpty)

        let aside = try #require(folder.files().first { $0.hasPrefix("peers.json.corrupt-") })
        #expect(problem.contains(aside))
        #expect(try AtomicFile.read(folder.path + "/" + aside) == garbage)
        #expect(!folder.files().contains("peers.json"))

        // The daemon goes on: new peers are saved in a fresh file, the old one stays aside.
        try registry.upsert(record("d_fresh"))
        #expect(PeerRegistry(path: path).all().map(\.daemonID) == ["d_fresh"])
        #expect(try AtomicFile.read(folder.path + "/" + aside) == garbage)
    }

    @Test func aFileFromANewerVersionIsLeftAloneAndNotOverwritten() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path + "/peers.json"
        let future = Array(#"{"version":9,"peers":[],"shape":"new"}"#.utf8)
        try AtomicFile.write(future, to: path)
        let registry = PeerRegistry(path: path)
        #expect(registry.registryProblem?.contains("newer thrum") == true)
        #expect(throws: PeerRegistryError.self) { try registry.upsert(record("d_x")) }
        #expect(try AtomicFile.read(path) == future)
    }
}

import ThrumTestSupport
import Testing
import ThrumControlAPI
import ThrumCore
#if canImport(Glibc)
import Glibc
#endif

extension DaemonProcessTests {
@Suite
struct IdentityTests {
    @Test func firstStartWritesAPrivateKeyThatOpenSSLReads() throws {
        let d = DaemonFixture(name: "id")
        defer { d.cleanup() }
        try d.start()
        let keyPath = d.stateDirectory + "/identity.key"
        #expect(TestFiles.mode(keyPath) == 0o600)
        let openssl = try TestProcess("/usr/bin/openssl", ["pkey", "-in", keyPath, "-noout"], environment: [:], outputDirectory: d.directory)
        #expect(try openssl.wait() == 0)
        #expect(d.process?.stderr.contains("identity: generated new keys at \(keyPath) (fingerprint: SHA256:") == true)

        let first = try d.json(ControlResults.Identity.self, ["identity"])
        #expect(first.daemonID.hasPrefix("d_") && first.daemonID.count == 18)
        try d.stop()
        try d.start()
        #expect(d.process?.stderr.contains("identity: loaded existing keys from \(keyPath)") == true)
        #expect(try d.json(ControlResults.Identity.self, ["identity"]).daemonID == first.daemonID)
    }

    @Test func aKeyReadableByOthersIsRefused() throws {
        let d = DaemonFixture(name: "perm")
        defer { d.cleanup() }
        try d.start()
        try d.stop()
        let keyPath = d.stateDirectory + "/identity.key"
        chmod(keyPath, 0o644)
        let refused = try d.cli(["daemon", "start"])
        #expect(refused.code == 78)
        #expect(refused.stderr.contains("chmod 600 \(keyPath)"))
        // Fixing the mode as told makes it start again.
        chmod(keyPath, 0o600)
        try d.start()
    }

    @Test func aCorruptKeyIsRefusedNotReplaced() throws {
        let d = DaemonFixture(name: "bad")
        defer { d.cleanup() }
        mkdir(d.stateDirectory, 0o700)
        let keyPath = d.stateDirectory + "/identity.key"
        try TestFiles.write(keyPath, "not a key\n", mode: 0o600)
        let refused = try d.cli(["daemon", "start"])
        #expect(refused.code == 78)
        #expect(refused.stderr.contains(keyPath))
        #expect(try TestFiles.read(keyPath) == "not a key\n", "the daemon never overwrites an existing key")
    }
}
}

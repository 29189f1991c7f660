import ThrumTestSupport
import Glibc
import Testing
@testable import ThrumSystem

@Suite("Identity key file")
struct IdentityKeyFileTests {
    let openssl = "/usr/bin/openssl"

    @Test("a new key is created 0600 in a new 0700 folder and openssl accepts it")
    func createsPrivateFileOpenSSLReads() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("state/identity.key")

        let (_, created) = try IdentityKeyFile.loadOrCreate(path: path)

        #expect(created)
        #expect(try mode(of: path) == 0o600)
        #expect(try mode(of: folder.file("state")) == 0o700)
        #expect(try Subprocess.run([openssl, "pkey", "-in", path, "-noout"]).status == 0)
        let text = String(decoding: try folder.read("state/identity.key"), as: UTF8.self)
        #expect(text.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        #expect(text.hasSuffix("-----END PRIVATE KEY-----\n"))
        // No temporary file is left beside the key.
        #expect(try Subprocess.run(["/bin/ls", "-A", folder.file("state")]).standardOutput == Array("identity.key\n".utf8))
    }

    @Test("the public key we derive is the one openssl derives from our file")
    func createdKeyMatchesOpenSSLPublicKey() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("identity.key")
        let (keyPair, _) = try IdentityKeyFile.loadOrCreate(path: path)
        #expect(try opensslPublicKey(path) == keyPair.publicKey)
    }

    @Test("a key made by openssl genpkey loads with the public key openssl reports")
    func loadsOpenSSLGeneratedKey() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("identity.key")
        let generated = try Subprocess.run([openssl, "genpkey", "-algorithm", "ed25519", "-out", path])
        try #require(generated.status == 0)
        try #require(chmod(path, 0o600) == 0)

        let (keyPair, created) = try IdentityKeyFile.loadOrCreate(path: path)

        #expect(!created)
        #expect(keyPair.publicKey == (try opensslPublicKey(path)))
    }

    @Test("a second start loads the same key and does not replace it")
    func secondLoadReturnsSameKey() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("identity.key")
        let first = try IdentityKeyFile.loadOrCreate(path: path)
        let before = try folder.read("identity.key")

        let second = try IdentityKeyFile.loadOrCreate(path: path)

        #expect(second.created == false)
        #expect(second.keyPair.publicKey == first.keyPair.publicKey)
        #expect(second.keyPair.seed == first.keyPair.seed)
        #expect(try folder.read("identity.key") == before)
    }

    @Test("write refuses to replace an existing key")
    func writeNeverOverwrites() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("identity.key")
        let (original, _) = try IdentityKeyFile.loadOrCreate(path: path)

        #expect(throws: IdentityKeyError.alreadyExists(path: path)) {
            try IdentityKeyFile.write(Ed25519KeyPair.generate(), to: path)
        }
        #expect(try IdentityKeyFile.load(path: path).publicKey == original.publicKey)
    }

    @Test("a key file readable by group or others is refused with the chmod to run")
    func refusesOpenPermissions() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("identity.key")
        let (keyPair, _) = try IdentityKeyFile.loadOrCreate(path: path)
        try #require(chmod(path, 0o644) == 0)

        let error = #expect(throws: IdentityKeyError.self) { try IdentityKeyFile.loadOrCreate(path: path) }

        #expect(error?.description == "identity key \(path) is readable by group or others (mode 0644); run: chmod 600 \(path)")
        // Refusing must not replace the key with a new one.
        try #require(chmod(path, 0o600) == 0)
        #expect(try IdentityKeyFile.load(path: path).publicKey == keyPair.publicKey)
    }

    @Test("any group or other permission bit is refused", arguments: [0o640, 0o620, 0o604, 0o660])
    func refusesAnyGroupOrOtherBit(mode: Int) throws {
        let folder = try TemporaryFolder()
        let path = folder.file("identity.key")
        _ = try IdentityKeyFile.loadOrCreate(path: path)
        try #require(chmod(path, mode_t(mode)) == 0)
        #expect(throws: IdentityKeyError.readableByOthers(path: path, mode: UInt32(mode))) {
            try IdentityKeyFile.load(path: path)
        }
    }

    @Test("files that are not an Ed25519 PKCS#8 key are refused with what is wrong and what to do", arguments: [
        ("garbage", "not a key at all\n", "has no '-----BEGIN PRIVATE KEY-----' line"),
        ("empty", "", "it is empty"),
        ("truncated", "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI\n", "has no '-----END PRIVATE KEY-----' line"),
        ("short body", "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n", "truncated"),
        ("bad base64", "-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n", "not valid base64"),
        ("openssh", "-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n", "OpenSSH key"),
    ])
    func refusesMalformedFiles(name: String, content: String, expectedReason: String) throws {
        let folder = try TemporaryFolder()
        try folder.write(content, to: "identity.key", mode: 0o600)
        let path = folder.file("identity.key")

        let error = #expect(throws: IdentityKeyError.self) { try IdentityKeyFile.loadOrCreate(path: path) }

        let text = error?.description ?? ""
        #expect(text.contains(expectedReason), "\(name): \(text)")
        #expect(text.contains("Move it aside to generate a new identity"), "\(name): \(text)")
        #expect(text.contains("restore it from backup"), "\(name): \(text)")
        // The bad file is left exactly as it was, for the operator to inspect.
        #expect(try folder.read("identity.key") == Array(content.utf8))
    }

    @Test("a P-256 key is refused as the wrong algorithm")
    func refusesOtherAlgorithms() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("identity.key")
        let generated = try Subprocess.run([openssl, "genpkey", "-algorithm", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", path])
        try #require(generated.status == 0)
        try #require(chmod(path, 0o600) == 0)

        let error = #expect(throws: IdentityKeyError.self) { try IdentityKeyFile.load(path: path) }
        #expect(error?.description.contains("not Ed25519") == true)
    }

    @Test("a signature made with the loaded key verifies with its public key")
    func loadedKeySigns() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("identity.key")
        _ = try IdentityKeyFile.loadOrCreate(path: path)
        let keyPair = try IdentityKeyFile.load(path: path)
        let message = Array("event envelope".utf8)

        let signature = keyPair.sign(message)

        #expect(Ed25519.verify(signature: signature, message: message, publicKey: keyPair.publicKey))
        #expect(!Ed25519.verify(signature: signature, message: message + [0], publicKey: keyPair.publicKey))
    }

    // MARK: - Helpers

    /// The raw 32-byte public key as openssl sees the file: the tail of its SubjectPublicKeyInfo DER.
    private func opensslPublicKey(_ path: String) throws -> [UInt8] {
        let result = try Subprocess.run([openssl, "pkey", "-in", path, "-pubout", "-outform", "DER"])
        try #require(result.status == 0)
        return Array(result.standardOutput.suffix(32))
    }

    private func mode(of path: String) throws -> mode_t {
        var info = stat()
        guard stat(path, &info) == 0 else { throw TestFailure("stat \(path): errno \(errno)") }
        return info.st_mode & 0o7777
    }
}

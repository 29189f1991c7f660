/// Ed25519 private keys in PKCS#8 DER (RFC 8410, RFC 5958), the form
/// `openssl genpkey -algorithm ed25519` writes and `openssl pkey` reads.
enum PKCS8Ed25519 {
    /// SEQUENCE { INTEGER 0, SEQUENCE { OID 1.3.101.112 }, OCTET STRING { OCTET STRING (32) } }:
    /// everything before the seed in the version-0 encoding we write.
    static let prefix: [UInt8] = [
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
    ]
    /// The DER content of the id-Ed25519 object identifier, 1.3.101.112.
    static let ed25519OID: [UInt8] = [0x2b, 0x65, 0x70]

    static func encode(seed: [UInt8]) -> [UInt8] {
        prefix + seed
    }

    /// The seed of a PKCS#8 Ed25519 key, and the public key if the file carries one
    /// (version 1, "OneAsymmetricKey"). Anything else is refused with a reason.
    static func decode(_ der: [UInt8]) throws(KeyFormatError) -> (seed: [UInt8], publicKey: [UInt8]?) {
        var outer = DERReader(der[...])
        var key = DERReader(try outer.read(tag: 0x30, what: "PKCS#8 structure"))
        guard outer.isAtEnd else { throw KeyFormatError("there are stray bytes after the key") }

        let version = try key.read(tag: 0x02, what: "version number")
        guard version.count == 1, let versionNumber = version.first, versionNumber <= 1 else {
            throw KeyFormatError("the PKCS#8 version is not 0 or 1")
        }

        var algorithm = DERReader(try key.read(tag: 0x30, what: "algorithm identifier"))
        let oid = try algorithm.read(tag: 0x06, what: "algorithm object identifier")
        guard Array(oid) == ed25519OID else {
            throw KeyFormatError("it holds a key for another algorithm, not Ed25519")
        }
        guard algorithm.isAtEnd else { throw KeyFormatError("the Ed25519 algorithm identifier has parameters it must not have") }

        var wrapped = DERReader(try key.read(tag: 0x04, what: "private key"))
        let seed = try wrapped.read(tag: 0x04, what: "Ed25519 private key")
        guard seed.count == Ed25519KeyPair.seedLength else {
            throw KeyFormatError("the Ed25519 private key is \(seed.count) bytes instead of \(Ed25519KeyPair.seedLength)")
        }

        // Optional trailing fields: [0] attributes (ignored), [1] public key.
        var publicKey: [UInt8]?
        while !key.isAtEnd {
            let item = try key.read()
            if item.tag == 0x81 {
                // A BIT STRING body: one "unused bits" byte (0), then the key.
                guard item.value.count == Ed25519KeyPair.publicKeyLength + 1, item.value.first == 0 else {
                    throw KeyFormatError("the embedded public key has the wrong size")
                }
                publicKey = Array(item.value.dropFirst())
            }
        }
        return (Array(seed), publicKey)
    }
}

import CSodium

/// libsodium must be initialised once before any other call; `sodium_init`
/// is idempotent and thread-safe, so every entry point calls it through here.
enum Sodium {
    static let ready: Bool = sodium_init() >= 0
}

/// An Ed25519 key pair. libsodium keeps the secret key as seed ‖ public key
/// (64 bytes); the 32-byte seed is what PKCS#8 stores.
public struct Ed25519KeyPair: Sendable {
    public static let publicKeyLength = 32
    public static let seedLength = 32
    public static let signatureLength = 64

    public let publicKey: [UInt8]
    let secretKey: [UInt8]

    /// A fresh key pair from the system's CSPRNG.
    public static func generate() -> Ed25519KeyPair {
        precondition(Sodium.ready, "libsodium failed to initialise")
        var seed = [UInt8](repeating: 0, count: seedLength)
        randombytes_buf(&seed, seedLength)
        return Ed25519KeyPair(checkedSeed: seed)
    }

    /// The key pair that `seed` determines.
    public init(seed: [UInt8]) throws(CryptoError) {
        guard Sodium.ready else { throw .sodiumUnavailable }
        guard seed.count == Self.seedLength else { throw .badLength(what: "Ed25519 seed", expected: Self.seedLength, got: seed.count) }
        self.init(checkedSeed: seed)
    }

    /// `seed` is 32 bytes and libsodium is ready: key derivation cannot fail then.
    private init(checkedSeed seed: [UInt8]) {
        var pk = [UInt8](repeating: 0, count: Int(crypto_sign_PUBLICKEYBYTES))
        var sk = [UInt8](repeating: 0, count: Int(crypto_sign_SECRETKEYBYTES))
        crypto_sign_seed_keypair(&pk, &sk, seed)
        publicKey = pk
        secretKey = sk
    }

    /// The 32-byte private seed (what goes into the PEM file).
    public var seed: [UInt8] { Array(secretKey.prefix(Self.seedLength)) }

    /// A detached 64-byte signature over `message`.
    public func sign(_ message: [UInt8]) -> [UInt8] {
        var signature = [UInt8](repeating: 0, count: Self.signatureLength)
        var length: UInt64 = 0
        _ = crypto_sign_detached(&signature, &length, message, UInt64(message.count), secretKey)
        return signature
    }
}

public enum Ed25519 {
    /// True when `signature` is a valid detached signature of `message` by `publicKey`.
    /// Wrong lengths are simply invalid: this is called on data from the network.
    public static func verify(signature: [UInt8], message: [UInt8], publicKey: [UInt8]) -> Bool {
        guard Sodium.ready,
              signature.count == Ed25519KeyPair.signatureLength,
              publicKey.count == Ed25519KeyPair.publicKeyLength else { return false }
        return crypto_sign_verify_detached(signature, message, UInt64(message.count), publicKey) == 0
    }
}

public enum CryptoError: Error, Equatable, Sendable, CustomStringConvertible {
    case sodiumUnavailable
    case badLength(what: String, expected: Int, got: Int)
    case operationFailed(String)

    public var description: String {
        switch self {
        case .sodiumUnavailable: return "libsodium could not be initialised"
        case let .badLength(what, expected, got): return "\(what) must be \(expected) bytes, got \(got)"
        case let .operationFailed(call): return "\(call) failed"
        }
    }
}

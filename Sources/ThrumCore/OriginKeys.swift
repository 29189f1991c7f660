import FoundationEssentials
import Synchronization
import ThrumSystem

/// `origin_key` texts already decoded, with the daemon ID each derives. A catch-up checks
/// thousands of events from the same few origins, and the derivation hashes the key each time.
enum OriginKeys {
    struct Key: Sendable {
        let bytes: [UInt8]
        let daemonID: String
    }

    /// Past this many keys the cache starts over, so a peer inventing keys cannot grow it.
    static let capacity = 1024
    private static let known = Mutex<[String: Key]>([:])

    /// The raw 32-byte key and its daemon ID, or nil when the text is not base64 of 32 bytes.
    static func decode(_ text: String) -> Key? {
        if let key = known.withLock({ $0[text] }) { return key }
        guard let data = Data(base64Encoded: text), data.count == Ed25519KeyPair.publicKeyLength else { return nil }
        let bytes = [UInt8](data)
        let key = Key(bytes: bytes, daemonID: DaemonID.derive(publicKey: bytes))
        known.withLock { cache in
            if cache.count >= capacity { cache.removeAll(keepingCapacity: true) }
            cache[text] = key
        }
        return key
    }
}

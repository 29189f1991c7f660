import FoundationEssentials
import ThrumSystem

public enum DaemonID {
    /// `d_` + the first 16 characters of base32(SHA-256(raw public key)),
    /// so the ID itself proves which key it belongs to (DESIGN §4).
    public static func derive(publicKey: [UInt8]) -> String {
        "d_" + Base32.encodeLowercaseNoPadding(SHA256.hash(publicKey)).prefix(16)
    }
}

/// This daemon's signing identity: the key pair and what is derived from it.
public struct DaemonIdentity: Sendable {
    public let keyPair: Ed25519KeyPair
    public let daemonID: String
    /// Standard base64 of the raw 32-byte public key (`origin_key`).
    public let publicKeyBase64: String
    /// `SHA256:<base64 of SHA-256 of the public key>`, as the seed logs it.
    public let fingerprint: String

    public init(keyPair: Ed25519KeyPair) {
        self.keyPair = keyPair
        daemonID = DaemonID.derive(publicKey: keyPair.publicKey)
        publicKeyBase64 = Data(keyPair.publicKey).base64EncodedString()
        fingerprint = Self.fingerprint(ofPublicKey: keyPair.publicKey)
    }

    public static func fingerprint(ofPublicKey key: [UInt8]) -> String {
        "SHA256:" + Data(SHA256.hash(key)).base64EncodedString()
    }

    /// A signed event of this daemon at `link` in its chain. `data` must already be the JSON text.
    public func makeEvent(type: EventType, data: String, link: ChainLink,
                          eventID: String = EventIDs.next(prefix: "evt_"),
                          timestamp: String = Timestamp.now()) -> Event {
        makeEvent(type: type, data: data, sequence: link.sequence, prev: link.prev, eventID: eventID, timestamp: timestamp)
    }

    /// A signed event of this daemon; without `prev`, an event as releases before chains wrote it.
    public func makeEvent(type: EventType, data: String, sequence: Int64, prev: String? = nil,
                          eventID: String = EventIDs.next(prefix: "evt_"),
                          timestamp: String = Timestamp.now()) -> Event {
        var event = Event(eventID: eventID, type: type.rawValue, timestamp: timestamp,
                          originDaemon: daemonID, originKey: publicKeyBase64,
                          sequence: sequence, prev: prev, data: data, signature: nil)
        event.signature = Data(keyPair.sign(event.signingPayload)).base64EncodedString()
        return event
    }
}

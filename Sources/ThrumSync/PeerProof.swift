import FoundationEssentials
import ThrumCore
import ThrumRPC
import ThrumSystem

/// The key proof of `sync.peer_info` (DESIGN §6): the asker sends a fresh random `challenge`,
/// the peer signs it with its identity key, and the answer counts only if that signature
/// verifies under the public key it claims and that key derives its daemon ID. A node that
/// merely repeats another daemon's public key cannot sign, so it can neither be registered
/// as that daemon nor move that daemon's registry entry to its own address.
public enum PeerProof {
    static let challengeBytes = 32

    /// What is signed: a fixed prefix, so the signature can never pass for an event's (those
    /// start with the event ID), the signer's daemon ID and the challenge.
    static func payload(daemonID: String, challenge: String) -> [UInt8] {
        Array("thrum-peer-proof-v1|\(daemonID)|\(challenge)".utf8)
    }

    static func newChallenge() -> String {
        Data(SecureRandom.bytes(challengeBytes)).base64EncodedString()
    }

    /// The server's half: the signature for an asker's challenge.
    static func sign(challenge: String, as identity: DaemonIdentity) -> String {
        Data(identity.keyPair.sign(payload(daemonID: identity.daemonID, challenge: challenge))).base64EncodedString()
    }

    /// Why `info` does not prove its key for `challenge`, or nil when it does.
    static func refusal(of info: PeerInfo, challenge: String) -> String? {
        guard let key = Data(base64Encoded: info.publicKey), key.count == Ed25519KeyPair.publicKeyLength else {
            return "sent a public key that is not base64 of 32 bytes; it is not a compatible thrum daemon"
        }
        let derived = DaemonID.derive(publicKey: [UInt8](key))
        guard derived == info.daemonID else {
            return "claims daemon ID \(info.daemonID) but its public key belongs to \(derived)"
        }
        guard let signature = info.challengeSignature.flatMap({ Data(base64Encoded: $0) }) else {
            return "did not sign the key challenge; it cannot prove it holds the key of \(derived) (an older thrum, or not the daemon it claims to be)"
        }
        guard Ed25519.verify(signature: [UInt8](signature), message: payload(daemonID: derived, challenge: challenge),
                                    publicKey: [UInt8](key)) else {
            return "signed the key challenge with another key than the one it claims: it is not \(derived)"
        }
        return nil
    }

    /// Asks the peer on `connection` who it is, with `challenge`; check the answer with `refusal`.
    static func ask(_ connection: LineRPCConnection, challenge: String,
                    timeout: Duration) async throws(RPCClientError) -> PeerInfo {
        try await connection.call(SyncMethod.peerInfo.rawValue, PeerInfoParams(challenge: challenge),
                                  as: PeerInfo.self, timeout: timeout)
    }
}

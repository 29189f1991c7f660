import FoundationEssentials
import ThrumSystem

extension Event {
    /// `event_id|type|timestamp|origin_daemon|sequence|sha256hex(data)` in UTF-8, and `|prev`
    /// after it for a chained event. The seed signs only the first four fields; binding
    /// `sequence` and the content stops a relay from rewriting a message undetected, and binding
    /// `prev` makes the origin vouch for its whole history (DESIGN §4).
    public var signingPayload: [UInt8] {
        let dataDigest = Hex.encode(SHA256.hash(Array(data.utf8)))
        let chained = prev.map { "|\($0)" } ?? ""
        return Array("\(eventID)|\(type)|\(timestamp)|\(originDaemon)|\(sequence)|\(dataDigest)\(chained)".utf8)
    }

    /// The event's link in its origin's chain: lowercase hex of the SHA-256 of its signing
    /// payload. Two events with one hash say the same thing; the next event's `prev` names it.
    public var chainHash: String {
        Hex.encode(SHA256.hash(signingPayload))
    }

    /// Why an event's signature cannot be accepted.
    public enum SignatureProblem: Error, Equatable, Sendable, CustomStringConvertible {
        case unsigned
        case malformedKey
        case originMismatch(expected: String)
        case malformedSignature
        case invalid

        public var description: String {
            switch self {
            case .unsigned: return "event is unsigned"
            case .malformedKey: return "origin_key is not a base64 32-byte Ed25519 public key"
            case let .originMismatch(expected): return "origin_daemon does not match origin_key (key belongs to \(expected))"
            case .malformedSignature: return "signature is not base64 of 64 bytes"
            case .invalid: return "signature verification failed"
            }
        }
    }

    /// Checks that `origin_daemon` is derived from `origin_key` and that the
    /// signature over the signing payload verifies with that key.
    public func verifySignature() -> SignatureProblem? {
        guard let signature else { return .unsigned }
        let keyBytes: [UInt8]
        switch originKeyBytes() {
        case let .failure(problem): return problem
        case let .success(bytes): keyBytes = bytes
        }
        guard let sig = Data(base64Encoded: signature), sig.count == Ed25519KeyPair.signatureLength else {
            return .malformedSignature
        }
        return Ed25519.verify(signature: [UInt8](sig), message: signingPayload, publicKey: keyBytes) ? nil : .invalid
    }

    /// Checks only that `origin_daemon` is the ID derived from `origin_key`.
    public func verifyOrigin() -> SignatureProblem? {
        if case let .failure(problem) = originKeyBytes() { return problem }
        return nil
    }

    /// The raw public key, once it is known to be 32 bytes that derive `origin_daemon`.
    private func originKeyBytes() -> Result<[UInt8], SignatureProblem> {
        guard let key = OriginKeys.decode(originKey) else { return .failure(.malformedKey) }
        guard key.daemonID == originDaemon else { return .failure(.originMismatch(expected: key.daemonID)) }
        return .success(key.bytes)
    }
}

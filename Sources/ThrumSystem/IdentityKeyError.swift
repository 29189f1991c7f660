import Glibc

/// Why the identity key could not be loaded or written. Every description
/// says what is wrong and what the operator can do about it.
public enum IdentityKeyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file's permission bits let group or others in; the private key may have leaked.
    case readableByOthers(path: String, mode: UInt32)
    /// The file exists but is not an Ed25519 PKCS#8 PEM key.
    case malformed(path: String, reason: String)
    /// `write` found a key already there and will not replace an identity.
    case alreadyExists(path: String)
    /// A system call failed; `action` says what we were doing, e.g. "read".
    case systemCall(path: String, action: String, errno: Int32)

    public var description: String {
        switch self {
        case let .readableByOthers(path, mode):
            return "identity key \(path) is readable by group or others (mode \(Self.octal(mode))); run: chmod 600 \(path)"
        case let .malformed(path, reason):
            return "identity key \(path) is not a usable Ed25519 private key: \(reason). "
                + "Move it aside to generate a new identity on the next start, or restore it from backup."
        case let .alreadyExists(path):
            return "identity key \(path) already exists; refusing to replace it. "
                + "Move it aside first if you really want a new identity."
        case let .systemCall(path, action, code):
            return "cannot \(action) identity key \(path): \(String(cString: strerror(code))). "
                + "Check that the daemon runs as the owner of its state folder."
        }
    }

    /// Permission bits as `chmod` spells them, e.g. 0644.
    private static func octal(_ mode: UInt32) -> String {
        let digits = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

import FoundationEssentials
import ThrumCore
import ThrumSystem
#if canImport(Glibc)
import Glibc
#endif

/// `thrum identity rotate`: a new history under a new identity (DESIGN §6). For a daemon whose
/// log cannot be caught up (no peer holds its history) or whose history forked: the old key
/// is kept aside, never deleted, a new one is made, and the published mark starts the new
/// identity at nothing written. The log stays: the old identity's events remain valid there
/// as another daemon's. Run with the daemon stopped.
public enum IdentityRotation {
    public struct Rotated: Sendable {
        public let oldDaemonID: String?
        public let newDaemonID: String
        public let fingerprint: String
        /// Where the old key went; nil when there was none.
        public let retiredKeyPath: String?
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static func rotate(config: ThrumConfig, now: Date = Date()) throws(Failure) -> Rotated {
        let path = config.identityKeyPath
        var old: DaemonIdentity?
        var retired: String?
        do {
            old = DaemonIdentity(keyPair: try IdentityKeyFile.load(path: path))
        } catch .systemCall(_, _, ENOENT) {
            old = nil
        } catch {
            throw Failure(description: "cannot read the current identity key: \(error); fix or remove \(path) first")
        }
        if old != nil {
            let stamp = Timestamp.format(now).filter { $0.isNumber }
            let aside = "\(path).retired-\(stamp)"
            guard rename(path, aside) == 0 else {
                throw Failure(description: "cannot move \(path) aside to \(aside): \(String(cString: strerror(errno)))")
            }
            retired = aside
        }
        let pair = Ed25519KeyPair.generate()
        do {
            try IdentityKeyFile.write(pair, to: path)
        } catch {
            throw Failure(description: "cannot write the new identity key \(path): \(error)"
                + (retired.map { "; the old key is at \($0): move it back to undo" } ?? ""))
        }
        let identity = DaemonIdentity(keyPair: pair)
        if let problem = PublishedMark(daemonID: identity.daemonID, sequence: 0).write(to: config.publishedMarkPath) {
            throw Failure(description: "the new key is in place, but \(problem)")
        }
        // Run as root (sudo thrum identity rotate), the new files would be root's, and the daemon's
        // user could not read its own key: they go to whoever owns the state folder.
        var folder = stat()
        if geteuid() == 0, stat(config.stateDirectory, &folder) == 0, folder.st_uid != 0 {
            for file in [path, config.publishedMarkPath] where chown(file, folder.st_uid, folder.st_gid) != 0 {
                throw Failure(description: "the new key is in place, but \(file) cannot be given to the owner of \(config.stateDirectory): \(String(cString: strerror(errno)))")
            }
        }
        return Rotated(oldDaemonID: old?.daemonID, newDaemonID: identity.daemonID, fingerprint: identity.fingerprint,
                       retiredKeyPath: retired)
    }
}

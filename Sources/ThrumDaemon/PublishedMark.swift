import FoundationEssentials
import ThrumCore
import ThrumSystem
#if canImport(Glibc)
import Glibc
#endif

/// The highest sequence this daemon's identity has written, kept in a small file beside the log
/// (`published` in the state folder) and rewritten after every commit of local writes. A log
/// restored from a backup holds less of the daemon's own history than the mark says, so the
/// daemon takes the rest back from its peers before it writes (`OwnHistory`).
///
/// The file is replaced by rename without fsync: a crash may leave it a commit or so behind
/// the log, never ahead, and behind only ever makes the check trust the log.
struct PublishedMark: Codable, Equatable, Sendable {
    var daemonID: String
    var sequence: Int64

    enum CodingKeys: String, CodingKey { case daemonID = "daemon_id", sequence }

    /// The mark at `path`; nil when there is none or it cannot be read (as if it were behind).
    static func read(_ path: String) -> PublishedMark? {
        guard let text = try? TextFile.read(path, limit: 4096) else { return nil }
        return PayloadJSON.decode(PublishedMark.self, from: text)
    }

    /// Replaces the file at `path` with this mark. Failures are returned, not thrown: the mark
    /// only sharpens a check, so a write that fails must not fail the commit it follows.
    func write(to path: String) -> String? {
        let temporary = path + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return "cannot write \(temporary): \(String(cString: strerror(errno)))" }
        let failed = FileDescriptorIO.writeAll(descriptor, Array(PayloadJSON.encode(self).utf8))
        close(descriptor)
        if let failed { return "cannot write \(temporary): \(String(cString: strerror(failed)))" }
        guard rename(temporary, path) == 0 else { return "cannot replace \(path): \(String(cString: strerror(errno)))" }
        return nil
    }
}

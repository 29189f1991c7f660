import ArgumentParser
import ThrumRPC
import ThrumSystem
#if canImport(Glibc)
import Glibc
#endif

/// Thrum's exit codes (thrum(1)).
enum Exit {
    static let failure = ExitCode(1)
    static let usage = ExitCode(2)
    /// An address names several agents; the error lists their full addresses.
    static let ambiguous = ExitCode(3)
    /// A wait timed out (`wait`, `wait --for-ack`).
    static let timeout = ExitCode(4)
    /// Another agent holds the path or task (`claim add`, `claim check`).
    static let claimed = ExitCode(5)
    static let unreachable = ExitCode(69)
    /// The daemon cannot write yet: it is taking its own history back from its peers (`EX_TEMPFAIL`).
    static let tryLater = ExitCode(75)
    /// The agent belongs to another daemon (`EX_NOPERM`).
    static let notOwner = ExitCode(77)
    static let config = ExitCode(78)

    /// The exit code for an error the daemon answered with.
    static func code(for error: RPCError) -> ExitCode {
        switch error.code {
        case RPCError.invalidParamsCode: return usage
        case RPCError.ownedElsewhereCode: return notOwner
        case RPCError.ambiguousCode: return ambiguous
        case RPCError.historyUnknownCode: return tryLater
        case RPCError.claimedCode: return claimed
        default: return failure
        }
    }
}

enum FileOutput {
    static func standardError(_ line: String) {
        FileDescriptorIO.writeAll(2, Array((line + "\n").utf8))
    }

    static func standardOutput(_ text: String) {
        print(text)
    }
}

/// Prints "thrum: message" on stderr and exits with `code`.
func fail(_ message: String, _ code: ExitCode = Exit.failure) -> ExitCode {
    FileOutput.standardError("thrum: \(message)")
    return code
}

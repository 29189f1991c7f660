import ArgumentParser
import ThrumSystem
#if canImport(Glibc)
import Glibc
#endif

/// Thrum's exit codes (thrum(1)).
enum Exit {
    static let failure = ExitCode(1)
    static let usage = ExitCode(2)
    static let unreachable = ExitCode(69)
    static let config = ExitCode(78)
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

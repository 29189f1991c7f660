import ThrumCore
#if canImport(Glibc)
import Glibc
#endif

/// `thrum tsync up`: brings the host's tailscaled up headlessly with Thrum's
/// settings (DESIGN §2 "Why no tsnet"). The auth key goes to `tailscale` as an
/// argument and is never printed.
public enum TailscaleUp {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public let exitCode: Int32
    }

    /// The `tailscale up` arguments for this configuration.
    public static func arguments(for config: ThrumConfig) -> [String] {
        var args = ["up"]
        if let key = config.tailscaleAuthKey { args.append("--auth-key=\(key)") }
        if let host = config.tailscaleHostname { args.append("--hostname=\(host)") }
        if let url = config.tailscaleControlURL { args.append("--login-server=\(url)") }
        if !config.requiredTags.isEmpty { args.append("--advertise-tags=\(config.requiredTags.joined(separator: ","))") }
        return args
    }

    /// The arguments as they may be shown to a person: the key is masked.
    public static func displayArguments(for config: ThrumConfig) -> [String] {
        arguments(for: config).map { $0.hasPrefix("--auth-key=") ? "--auth-key=<hidden>" : $0 }
    }

    /// Finds `tailscale` on PATH, runs it with the terminal's stdio, returns its exit code.
    public static func run(config: ThrumConfig, path: String) throws(Failure) -> Int32 {
        guard let executable = find("tailscale", in: path) else {
            throw Failure(description: """
                the tailscale command is not installed; install Tailscale first \
                (Debian: add Tailscale's apt repository, then apt install tailscale), then run thrum tsync up again
                """, exitCode: 69)
        }
        let argv = ([executable] + arguments(for: config)).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, nil, nil, argv, environ)
        guard rc == 0 else { throw Failure(description: "cannot run \(executable): \(String(cString: strerror(rc)))", exitCode: 1) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    static func find(_ name: String, in path: String) -> String? {
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = "\(dir)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// This machine's host name: what status and `sync.peer_info` report when
/// THRUM_TAILSCALE_HOSTNAME is not set.
public enum HostName {
    public static func current() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "localhost" : name
    }
}

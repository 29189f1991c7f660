import CSystemd
import Glibc

/// A listening socket passed in by systemd socket activation, with the name
/// its unit gave it (`FileDescriptorName=`, e.g. "control" or "sync").
public struct InheritedSocket: Sendable, Equatable {
    public let fd: Int32
    public let name: String

    public init(fd: Int32, name: String) {
        self.fd = fd
        self.name = name
    }
}

/// Socket activation (sd_listen_fds): the sockets systemd opened for us.
public enum ListenFDs {
    /// The inherited sockets, or [] when the process was not socket-activated.
    /// Takes them: the LISTEN_* variables are removed so child processes do
    /// not think the sockets are theirs, and a second call returns [].
    public static func take() -> [InheritedSocket] {
        var names: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
        let count = sd_listen_fds_with_names(1, &names)
        guard count > 0 else { return [] }
        defer {
            if let names {
                for index in 0..<Int(count) { free(names[index]) }
                free(names)
            }
        }
        return (0..<count).map { index in
            // systemd says "unknown" for a socket without FileDescriptorName=.
            let name = names?[Int(index)].map { String(cString: $0) } ?? "unknown"
            return InheritedSocket(fd: SD_LISTEN_FDS_START + index, name: name)
        }
    }
}

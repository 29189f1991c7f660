import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

extension ListenTarget {
    /// Opens the listening socket this target names and wraps it as an `NIOAsyncChannel`
    /// whose inbound stream yields what `initializer` makes of each accepted connection.
    /// A unix socket is chmodded to its mode; an inherited socket (systemd) is taken as it is.
    func bind<Accepted: Sendable>(
        _ bootstrap: ServerBootstrap,
        initializer: @escaping @Sendable (Channel) -> EventLoopFuture<Accepted>
    ) async throws -> NIOAsyncChannel<Accepted, Never> {
        switch self {
        case let .unixPath(path, mode):
            let listener = try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true,
                                                    childChannelInitializer: initializer)
            guard chmod(path, mode_t(mode)) == 0 else {
                let reason = String(cString: strerror(errno))
                try? await listener.channel.close()
                throw ListenError("cannot set mode \(String(mode, radix: 8)) on \(path): \(reason)")
            }
            return listener
        case let .tcp(host, port, device?):
            let fd = try DeviceBoundSocket.make(host: host, port: port, device: device)
            return try await bootstrap.bind(fd, childChannelInitializer: initializer)
        case let .tcp(host, port, nil):
            return try await bootstrap.bind(host: host, port: port, childChannelInitializer: initializer)
        case let .inherited(fd, _):
            return try await bootstrap.bind(fd, childChannelInitializer: initializer)
        }
    }
}

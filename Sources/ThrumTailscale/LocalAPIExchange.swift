import Glibc
import NIOCore
import NIOHTTP1
import NIOPosix

/// One `GET` to tailscaled over its unix socket, bounded in time and size.
struct LocalAPIExchange: Sendable {
    let socketPath: String
    let timeout: Duration
    let maxResponseBytes: Int
    let group: any EventLoopGroup

    func get(_ target: String) async throws(LocalAPIError) -> LocalAPIResponse {
        let eventLoop = group.next()
        let promise = eventLoop.makePromise(of: LocalAPIResponse.self)
        let path = socketPath
        let limit = maxResponseBytes

        // One deadline covers connecting, sending and the whole answer.
        let deadline = eventLoop.scheduleTask(in: TimeAmount(timeout)) { [timeout] in
            promise.fail(LocalAPIError.timeout(path: path, after: timeout))
        }
        promise.futureResult.whenComplete { _ in deadline.cancel() }

        ClientBootstrap(group: eventLoop)
            .connectTimeout(TimeAmount(timeout))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(
                        ResponseCollector(promise: promise, limit: limit))
                }
            }
            .connect(unixDomainSocketPath: path)
            .whenComplete { result in
                switch result {
                case let .failure(error):
                    promise.fail(LocalAPIError.unreachable(path: path, reason: Self.reason(error)))
                case let .success(channel):
                    // Closing on completion also tears the connection down after a timeout.
                    promise.futureResult.whenComplete { _ in channel.close(promise: nil) }
                    Self.send(target, on: channel, path: path, promise: promise)
                }
            }

        do {
            return try await promise.futureResult.get()
        } catch let error as LocalAPIError {
            throw error
        } catch {
            throw .badResponse(reason: "\(error)")
        }
    }

    /// "No such file or directory" rather than NIO's "connect(descriptor:addr:size:): …".
    private static func reason(_ error: any Error) -> String {
        guard let ioError = error as? IOError else { return "\(error)" }
        return String(cString: strerror(ioError.errnoCode))
    }

    private static func send(
        _ target: String, on channel: any Channel, path: String, promise: EventLoopPromise<LocalAPIResponse>
    ) {
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: target)
        // tailscaled checks the Host header to refuse browser requests (DNS rebinding).
        head.headers.add(name: "Host", value: "local-tailscaled.sock")
        head.headers.add(name: "Connection", value: "close")
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil)).whenFailure { error in
            promise.fail(LocalAPIError.unreachable(path: path, reason: "sending the request failed: \(error)"))
        }
    }
}

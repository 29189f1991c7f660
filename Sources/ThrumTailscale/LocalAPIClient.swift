import FoundationEssentials
import NIOCore
import NIOPosix
import ThrumCore

/// A client for the parts of tailscaled's LocalAPI that Thrum uses: `whois` and `status`.
/// Each call opens its own connection (`Connection: close`), as the Tailscale CLI does.
public struct LocalAPIClient: Sendable {
    public let socketPath: String
    private let exchange: LocalAPIExchange

    /// Large enough for the status of a tailnet with thousands of peers, small enough that a
    /// wrong socket streaming garbage cannot exhaust memory.
    public static let maxResponseBytes = 8 << 20

    public init(
        socketPath: String,
        timeout: Duration = .seconds(2),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.socketPath = socketPath
        self.exchange = LocalAPIExchange(
            socketPath: socketPath, timeout: timeout, maxResponseBytes: Self.maxResponseBytes, group: group)
    }

    /// Who owns `address` (`IP:PORT`, IPv6 as `[IP]:PORT`). nil when it is not a tailnet peer.
    public func whois(address: String) async throws(LocalAPIError) -> WhoIs? {
        let response = try await exchange.get(WhoIsQuery.target(address: address))
        switch response.status {
        case 200:
            return try Self.decode(WhoIs.self, from: response)
        case 404:
            // tailscaled answers `no match for IP:port` for an address no node owns.
            return nil
        default:
            throw .httpStatus(code: response.status, body: response.bodyText)
        }
    }

    /// Who owns the remote end `ip`:`port` of a connection.
    public func whois(ip: String, port: Int) async throws(LocalAPIError) -> WhoIs? {
        try await whois(address: WhoIsQuery.address(ip: ip, port: port))
    }

    /// This node and every peer, for discovery.
    public func status() async throws(LocalAPIError) -> TailscaleStatus {
        let response = try await exchange.get("/localapi/v0/status")
        guard response.status == 200 else {
            throw .httpStatus(code: response.status, body: response.bodyText)
        }
        return try Self.decode(TailscaleStatus.self, from: response)
    }

    private static func decode<T: Decodable>(_ type: T.Type, from response: LocalAPIResponse) throws(LocalAPIError) -> T {
        do {
            return try BoundedJSON.decode(type, from: response.body)
        } catch {
            throw .badResponse(reason: "JSON does not match the LocalAPI \(type) shape: \(error)")
        }
    }
}

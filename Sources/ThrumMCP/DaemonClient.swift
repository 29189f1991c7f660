import ThrumControlAPI
import ThrumCore
import ThrumRPC

/// Why a call to the local daemon failed, worded for the agent reading the tool result.
enum DaemonFailure: Error, Sendable {
    case unreachable(socket: String, reason: String)
    /// The daemon refused the request (unknown agent, text too long, …); its message says why.
    case rejected(RPCError)
    case failed(String)

    var message: String {
        switch self {
        case let .unreachable(socket, reason):
            return "The Thrum daemon is not reachable at \(socket): \(reason). Ask the user to start it (systemctl start thrum, or thrum daemon start), then call this tool again."
        case let .rejected(error):
            return error.message
        case let .failed(detail):
            return "The Thrum daemon did not answer properly: \(detail). Try again; if it keeps failing, check the daemon's log (journalctl -u thrum)."
        }
    }

    var isNotFound: Bool {
        if case let .rejected(error) = self { return error.code == RPCError.notFoundCode }
        return false
    }
}

/// The MCP server's side of the control socket: one request per call, each on
/// its own connection, so a long message.wait never holds up another tool.
struct DaemonClient: Sendable {
    let socketPath: String

    func call<P: Encodable & Sendable, R: Decodable>(_ method: ControlMethod, _ params: P, as: R.Type = R.self,
                                                     timeout: Duration = .seconds(30)) async throws(DaemonFailure) -> R {
        do {
            return try await LineRPCClient.call(.unixPath(socketPath), method.rawValue, params, as: R.self, timeout: timeout)
        } catch let error as RPCClientError {
            switch error {
            case let .unreachable(_, reason): throw .unreachable(socket: socketPath, reason: reason)
            case let .server(rpc): throw .rejected(rpc)
            case .timedOut, .closed, .badResponse: throw .failed("\(error)")
            }
        } catch {
            throw .failed("\(error)")
        }
    }
}

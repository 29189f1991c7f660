/// Why a LocalAPI call to tailscaled failed. Every text says what to do about it.
public enum LocalAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The socket could not be opened: tailscaled is down or the path is wrong.
    case unreachable(path: String, reason: String)
    /// tailscaled accepted the connection but did not answer in time.
    case timeout(path: String, after: Duration)
    /// tailscaled answered with a status other than the ones the call expects.
    case httpStatus(code: Int, body: String)
    /// The answer was not HTTP, too large, or not the JSON shape Thrum expects.
    case badResponse(reason: String)

    public var description: String {
        switch self {
        case let .unreachable(path, reason):
            return "cannot reach tailscaled at \(path) (\(reason)): tailscaled is not running, "
                + "or THRUM_TAILSCALE_SOCKET names the wrong socket; start tailscaled "
                + "(systemctl start tailscaled) or set THRUM_TAILSCALE_SOCKET to its socket path"
        case let .timeout(path, after):
            return "tailscaled at \(path) did not answer within \(after); "
                + "check that it is healthy (systemctl status tailscaled)"
        case let .httpStatus(code, body):
            return "tailscaled answered HTTP \(code): \(body)"
        case let .badResponse(reason):
            return "tailscaled sent an answer Thrum cannot read (\(reason)); "
                + "check that THRUM_TAILSCALE_SOCKET is the tailscaled socket"
        }
    }
}

/// Why a peer could not be added; each says what to do about it.
public enum SyncManagerError: Error, Sendable, Equatable, CustomStringConvertible {
    case badAddress(String)
    case unreachable(String)
    case badPeerInfo(String)
    case isSelf(String)
    case registry(String)
    case notFound(String)
    case shuttingDown

    public var description: String {
        switch self {
        case let .badAddress(text), let .unreachable(text), let .badPeerInfo(text), let .isSelf(text), let .registry(text),
             let .notFound(text):
            return text
        case .shuttingDown: return "the daemon is shutting down; try again once it is back"
        }
    }
}

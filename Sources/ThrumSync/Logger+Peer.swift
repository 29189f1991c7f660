import Logging

extension Logger {
    /// This logger with `peer` metadata set, for a line about one peer.
    func aboutPeer(_ daemonID: String) -> Logger {
        var logger = self
        logger[metadataKey: "peer"] = "\(daemonID)"
        return logger
    }
}

import Logging

/// What Thrum's two log handlers (journald, stderr) share: metadata kept on
/// the handler and merged per record, so each handler only says how a record
/// is written.
public protocol ThrumLogHandler: LogHandler {}

extension ThrumLogHandler {
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// The record's metadata: handler, then provider, then the call's, then the error.
    func mergedMetadata(of event: LogEvent) -> Logger.Metadata {
        LogRecordMetadata.merge(handler: metadata, provider: metadataProvider, call: event.metadata, error: event.error)
    }
}

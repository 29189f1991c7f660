import Logging

/// The metadata one log record carries, merged the way swift-log documents
/// for every handler: the handler's own metadata, then its metadata
/// provider's, then the call's, each later one winning; an attached error
/// becomes `error.message` and `error.type`.
enum LogRecordMetadata {
    static func merge(
        handler: Logger.Metadata,
        provider: Logger.MetadataProvider?,
        call: Logger.Metadata?,
        error: (any Error)?
    ) -> Logger.Metadata {
        var metadata = handler
        if let provided = provider?.get(), !provided.isEmpty {
            metadata.merge(provided) { _, new in new }
        }
        if let call, !call.isEmpty {
            metadata.merge(call) { _, new in new }
        }
        if let error {
            metadata["error.message"] = "\(error)"
            metadata["error.type"] = "\(String(reflecting: type(of: error)))"
        }
        return metadata
    }
}

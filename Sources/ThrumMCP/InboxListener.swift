import Logging
import ThrumControlAPI
import ThrumRPC

/// subscriptions/listen (2026-07-28) for the acting agent's inbox. A client that
/// subscribes to `thrum://inbox` gets one notifications/resources/updated per new
/// message, its URI naming the message and its `_meta` carrying the message itself.
/// The listener long-polls changes.wait for new messages, which marks nothing
/// read, and only then takes each unread message with an immediate message.wait,
/// which marks it read as it hands it over, so each is pushed once. A listener
/// cancelled while it waits has taken nothing (its changes.wait lapses at the
/// daemon within one wait slice). An idle listener holds one long-poll call,
/// renewed once a slice; the daemon does no polling for it.
enum InboxListener {
    static let inboxURI = "thrum://inbox"

    struct Params: Decodable, Sendable {
        struct Filter: Decodable, Sendable {
            var resourceSubscriptions: [String]?
        }

        var notifications: Filter
    }

    /// Acknowledges the filter (only the inbox is offered; list-changed
    /// notifications are never sent, as the tool list does not change), then
    /// pushes messages until the task is cancelled: by the client, or when
    /// standard input closes. A stream that asked for no inbox ends at once.
    /// Returns the line that ends the stream.
    static func run(_ id: JSONValue, _ params: Params, tools: ThrumTools, writer: StdoutWriter, logger: Logger) async -> [UInt8] {
        let inbox = params.notifications.resourceSubscriptions?.contains(inboxURI) ?? false
        let subscription = SubscriptionMeta(subscriptionId: id)
        writer.send(notification("notifications/subscriptions/acknowledged",
                                 Acknowledged(notifications: .init(resourceSubscriptions: inbox ? [inboxURI] : nil), meta: subscription),
                                 logger: logger))
        if inbox {
            logger.info("mcp: \(tools.agent) listens for new messages")
            do {
                // The cursor is taken before the unread messages, so one arriving in between still wakes the wait.
                var cursor = try await tools.messageChanges(after: nil).cursor
                repeat {
                    while let message = try await tools.takeMessage() {
                        writer.send(notification("notifications/resources/updated",
                                                 Updated(uri: "\(inboxURI)/\(message.messageID)", meta: .init(subscriptionId: id, message: message)),
                                                 logger: logger))
                    }
                    // Wakes for any agent's message; the take above then finds none that is not ours.
                    cursor = try await tools.messageChanges(after: cursor).cursor
                } while !Task.isCancelled
            } catch {
                if !Task.isCancelled {
                    logger.warning("mcp: the inbox listener stopped: \(error)")
                    return RPCWire.error(id: id, .application("the inbox can no longer be read: \(Self.describe(error))"))
                }
            }
        }
        // The listen result is the graceful end of the stream.
        return MessageRouter.encode(id, EnvelopeResult(result: EmptyResult()), logger: logger)
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case let failure as ToolFailure: failure.message
        case let failure as DaemonFailure: failure.message
        default: "\(error)"
        }
    }

    private static func notification(_ method: String, _ params: some Encodable, logger: Logger) -> [UInt8] {
        do {
            return try RPCWire.request(id: nil, method: method, params: params)
        } catch {
            logger.error("mcp: cannot encode \(method): \(error)")
            return []
        }
    }

    private struct SubscriptionMeta: Encodable {
        let subscriptionId: JSONValue
        enum CodingKeys: String, CodingKey { case subscriptionId = "io.modelcontextprotocol/subscriptionId" }
    }

    private struct Acknowledged: Encodable {
        struct Filter: Encodable { var resourceSubscriptions: [String]? }
        let notifications: Filter
        let meta: SubscriptionMeta
        enum CodingKeys: String, CodingKey { case notifications, meta = "_meta" }
    }

    private struct Updated: Encodable {
        struct Meta: Encodable {
            let subscriptionId: JSONValue
            let message: MessageRecord
            enum CodingKeys: String, CodingKey {
                case subscriptionId = "io.modelcontextprotocol/subscriptionId"
                case message = "thrum/message"
            }
        }

        let uri: String
        let meta: Meta
        enum CodingKeys: String, CodingKey { case uri, meta = "_meta" }
    }
}

extension ThrumTools {
    /// The oldest unread message, marked read, or nil at once when there is none.
    func takeMessage() async throws -> MessageRecord? {
        try await presence.ensure()
        return try await waitOnce(milliseconds: 0, timeout: .seconds(30)).message
    }

    /// Waits up to one wait slice for messages committed after `cursor` (nil: none, answered at once
    /// with the current cursor). Nothing is marked read.
    func messageChanges(after cursor: Int64?) async throws -> ChangeBatch {
        let slice = Self.waitSlice
        do {
            return try await daemon.call(.changesWait, ControlParams.ChangesWait(
                after: cursor, kinds: ["message"], timeoutMilliseconds: Int(slice.components.seconds) * 1000),
                as: ChangeBatch.self, timeout: slice + .seconds(10))
        } catch {
            throw Task.isCancelled ? Self.waitCancelled : error
        }
    }
}

import NIOCore
import Synchronization

/// Connections a listener has accepted and no serving task has taken up yet.
///
/// An `NIOAsyncChannel` made in a child channel initializer traps if it is dropped
/// unused (its writer was never finished), and a listener's stream drops what it
/// still holds when its consumer is cancelled: a connection accepted just as the
/// listener stops would crash the process. So the initializer hands over the plain
/// channel with reading paused (no request can be lost), the serving task wraps it,
/// and `stop()` closes every channel still waiting when the listener has stopped.
public final class AcceptedChannels: Sendable {
    private struct State {
        var stopped = false
        var waiting: [ObjectIdentifier: Channel] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// In the child channel initializer, on the channel's event loop: pauses reading
    /// and keeps the channel for a serving task. False (and the channel closed) once
    /// the listener has stopped.
    public func hold(_ channel: Channel) throws -> Bool {
        guard let options = channel.syncOptions else { throw ChannelError.operationUnsupported }
        try options.setOption(ChannelOptions.autoRead, value: false)
        let held = state.withLock { state -> Bool in
            guard !state.stopped else { return false }
            state.waiting[ObjectIdentifier(channel)] = channel
            return true
        }
        if !held { channel.close(promise: nil) }
        return held
    }

    /// In the serving task: takes the channel over, wraps it on its event loop and
    /// resumes reading. Nil when `stop()` closed it first, or it is closed already.
    public func take<Inbound: Sendable, Outbound: Sendable>(
        _ channel: Channel, configuration: NIOAsyncChannel<Inbound, Outbound>.Configuration = .init()
    ) async -> NIOAsyncChannel<Inbound, Outbound>? {
        guard state.withLock({ $0.waiting.removeValue(forKey: ObjectIdentifier(channel)) != nil }) else { return nil }
        do {
            return try await channel.eventLoop.submit {
                // A closed channel's pipeline has gone: its stream would never end.
                guard channel.isActive, let options = channel.syncOptions else { throw ChannelError.ioOnClosedChannel }
                let wrapped = try NIOAsyncChannel<Inbound, Outbound>(wrappingChannelSynchronously: channel,
                                                                      configuration: configuration)
                try options.setOption(ChannelOptions.autoRead, value: true)
                return wrapped
            }.get()
        } catch {
            channel.close(promise: nil)
            return nil
        }
    }

    /// After the listener has stopped and its serving tasks have ended: closes the
    /// channels no task took, and every one accepted from now on. Returns how many it closed.
    @discardableResult
    public func stop() -> Int {
        let left = state.withLock { state -> [Channel] in
            state.stopped = true
            defer { state.waiting = [:] }
            return Array(state.waiting.values)
        }
        for channel in left { channel.close(promise: nil) }
        return left.count
    }
}

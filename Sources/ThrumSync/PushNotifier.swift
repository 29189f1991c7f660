import Logging
import Synchronization
import ThrumRPC

/// Sends `sync.notify` to peers after local writes (DESIGN §6), so they pull at
/// once instead of waiting for the periodic sync.
///
/// Per peer: the first write sends at once; writes while that send is going on,
/// or within a short gap after it, are folded into one more send. The gap
/// starts at `quietGap`; it doubles (up to `maximumGap`) when several writes
/// were folded into one send (a burst: 1,000 writes cost a handful of
/// notifies) and halves back when only one was (an agent that writes, waits
/// for the answer and writes again keeps millisecond latency). A dead peer
/// only ever holds one background send, so the writer never waits.
final class PushNotifier: Sendable {
    struct Target: Sendable, Equatable {
        var daemonID: String
        var endpoint: RPCEndpoint

        static func == (a: Target, b: Target) -> Bool {
            a.daemonID == b.daemonID && a.endpoint.description == b.endpoint.description
        }
    }

    private struct PeerState {
        var target: Target
        /// Writes since the last send started.
        var pending = 0
        var task: Task<Void, Never>?
    }

    private struct State {
        var peers: [String: PeerState] = [:]
        var closed = false
    }

    private let state = Mutex(State())
    private let quietGap: Duration
    static let maximumGap: Duration = .seconds(1)
    private let timeout: Duration
    private let traffic: SyncTraffic
    private let logger: Logger
    /// What to announce, read when a notify is sent (so it carries the newest seq).
    private let announcement: @Sendable () async -> NotifyParams?
    /// Told whether each send reached its peer (nil error) or not; backoff and its log lines live there.
    /// Not told of sends that end after `shutdown()` began: they say nothing about the peer.
    private let sent: @Sendable (Target, (any Error)?) -> Void

    init(quietGap: Duration, timeout: Duration, traffic: SyncTraffic, logger: Logger,
         announcement: @escaping @Sendable () async -> NotifyParams?,
         sent: @escaping @Sendable (Target, (any Error)?) -> Void = { _, _ in }) {
        self.quietGap = quietGap
        self.timeout = timeout
        self.traffic = traffic
        self.logger = logger
        self.announcement = announcement
        self.sent = sent
    }

    /// Notes a local write for each target; never waits.
    func localWrite(to targets: [Target]) {
        state.withLock { state in
            guard !state.closed else { return }
            for target in targets {
                if var peer = state.peers[target.daemonID] {
                    peer.pending += 1
                    peer.target = target
                    state.peers[target.daemonID] = peer
                } else {
                    var peer = PeerState(target: target)
                    peer.task = Task { await self.notifyLoop(target.daemonID) }
                    state.peers[target.daemonID] = peer
                }
            }
        }
    }

    private var isClosed: Bool { state.withLock { $0.closed } }

    /// True when no notify is being sent or owed.
    var isIdle: Bool { state.withLock { $0.peers.isEmpty } }

    /// Stops sending; waits for the sends going on to end (they time out quickly).
    func shutdown() async {
        let tasks = state.withLock { state -> [Task<Void, Never>] in
            state.closed = true
            return state.peers.values.compactMap(\.task)
        }
        for task in tasks {
            task.cancel()
            await task.value
        }
    }

    private func notifyLoop(_ daemonID: String) async {
        var gap = quietGap
        while true {
            let next = state.withLock { state -> Target? in
                state.peers[daemonID]?.pending = 0
                return state.peers[daemonID]?.target
            }
            guard let target = next else { return }
            await send(to: target)
            let cancelled = (try? await Task.sleep(for: gap)) == nil
            let folded = state.withLock { state -> Int in
                let pending = state.peers[daemonID]?.pending ?? 0
                if cancelled || state.closed || pending == 0 { state.peers[daemonID] = nil; return 0 }
                return pending
            }
            if folded == 0 { return }
            gap = folded > 1 ? min(gap * 2, Self.maximumGap) : max(gap / 2, quietGap)
        }
    }

    private func send(to target: Target) async {
        guard let params = await announcement() else { return }
        var logger = logger
        logger[metadataKey: "peer"] = "\(target.daemonID)"
        do {
            let timeout = self.timeout
            _ = try await LineRPCClient.withConnection(to: target.endpoint, maxLineBytes: SyncLimits.maxAnswerBytes, connectTimeout: timeout) { connection in
                try await connection.call(SyncMethod.notify.rawValue, params, as: NotifyResult.self, timeout: timeout)
            }
            traffic.notifySent(to: target.daemonID, failed: false)
            if !isClosed { sent(target, nil) }
        } catch {
            traffic.notifySent(to: target.daemonID, failed: true)
            logger.debug("sync.notify: cannot notify \(target.daemonID) at \(target.endpoint): \(error)")
            if !isClosed { sent(target, error) }
        }
    }
}

import FoundationEssentials
import ThrumCore
import ThrumTestSupport

/// Random sets of signed events from a few origins that fight over the same few agent names,
/// messages, sessions and groups: conflicting registrations, deregistrations, edits and deletes
/// of others' messages, joins and leaves, heartbeats for sessions not yet started, timestamps
/// that tie. Event IDs and timestamps come from the seed.
struct EventSetGenerator {
    static let agents = ["alice", "bob", "carol"]
    static let groups = ["builders", "testers"]

    var random: SeededRandom
    let origins: [Origin]
    private var counter = 0

    init(seed: UInt64) {
        random = SeededRandom(seed: seed)
        origins = (0..<Int.random(in: 3...4, using: &random)).map { _ in Origin() }
    }

    /// Each origin's events, with sequences 1, 2, 3… in its own order.
    mutating func events() -> [Event] {
        var all: [Event] = []
        for origin in origins {
            let count = Int.random(in: 8...24, using: &random)
            for sequence in 1...count {
                let change = randomChange()
                counter += 1
                // A narrow window of seconds, so timestamps of different origins interleave and tie.
                let second = Int64.random(in: 0...40, using: &random)
                all.append(origin.identity.makeEvent(type: change.type, data: change.data, sequence: Int64(sequence),
                                                     eventID: "evt_\(String(random.next() >> 40, radix: 36))_\(counter)",
                                                     timestamp: Origin.timestamp(second)))
            }
        }
        return all
    }

    /// The events delivered in a random order, some twice, cut into random batches.
    mutating func delivery(of events: [Event]) -> [[Event]] {
        var stream = events.shuffled(using: &random)
        for _ in 0..<Int.random(in: 0...5, using: &random) {
            stream.insert(events.randomElement(using: &random)!, at: Int.random(in: 0...stream.count, using: &random))
        }
        var batches: [[Event]] = []
        while !stream.isEmpty {
            let size = min(stream.count, Int.random(in: 1...12, using: &random))
            batches.append(Array(stream.prefix(size)))
            stream.removeFirst(size)
        }
        return batches
    }

    private mutating func pick(_ names: [String]) -> String { names.randomElement(using: &random)! }

    private mutating func messageID() -> String { "m\(Int.random(in: 1...6, using: &random))" }

    private mutating func sessionID() -> String { "s\(Int.random(in: 1...3, using: &random))" }

    private mutating func randomChange() -> Change {
        let agent = pick(Self.agents)
        switch Int.random(in: 0..<14, using: &random) {
        case 0, 1: return .register(agent, role: pick(["coder", "reviewer"]))
        case 2: return .deregister(agent)
        case 3, 4: return .send(messageID(), from: agent, to: "@" + pick(Self.agents + Self.groups), "text \(counter)")
        case 5: return .edit(messageID(), by: agent, "edit \(counter)")
        case 6: return .delete(messageID(), by: agent)
        case 7: return .createGroup(pick(Self.groups), by: agent)
        case 8: return .join(pick(Self.groups), agent)
        case 9: return .leave(pick(Self.groups), agent)
        case 10: return .startSession(sessionID(), agent: agent)
        case 11: return Change(.sessionHeartbeat, SessionChange(sessionID: sessionID(), agent: agent))
        case 12: return .endSession(sessionID(), agent: agent)
        default:
            return Bool.random(using: &random)
                ? Change(.subscribe, SubscriptionChange(agent: agent, topic: pick(Self.groups)))
                : Change(.unsubscribe, SubscriptionChange(agent: agent, topic: pick(Self.groups)))
        }
    }
}

import FoundationEssentials
import ThrumCore
import ThrumTestSupport

/// Random sets of signed events from 3–5 origins that share agent names, groups and legacy
/// message IDs. Some origins are honest (some with clocks an hour off); at least one is hostile:
/// it back-dates registrations and creates, acts as honest origins' agents, re-uses their event,
/// message and session IDs, and edits or deletes their messages. Event IDs, timestamps and
/// choices come from the seed.
///
/// Every origin's events form its hash chain (`prev`). A hostile origin sometimes forks: it signs
/// a second branch that leaves its first at a random sequence, and both branches are in the set;
/// `forks` says where, which is where every daemon must find the fork, whatever the order.
///
/// `acknowledged` is what the honest origins wrote and must see in effect on every daemon,
/// whatever the hostile ones did: each message under its scoped ID, with its author, its last
/// edit by the author and whether the author deleted it.
struct EventSetGenerator {
    static let names = ["alice", "bob", "carol"]
    static let groups = ["builders", "testers"]

    struct Expected: Equatable {
        var author: String
        var text: String
        var deleted: Bool
    }

    var random: SeededRandom
    let origins: [Origin]
    /// Indices into `origins` of the hostile ones.
    let hostile: Set<Int>
    private(set) var acknowledged: [String: Expected] = [:]
    /// The fork point of each hostile origin that forked.
    private(set) var forks: [String: Int64] = [:]
    private var counter = 0
    private var honestEvents: [Event] = []
    /// Per honest origin: its messages and sessions as (payload ID, author address).
    private var messages: [Int: [(id: String, author: String)]] = [:]
    private var sessions: [Int: [(id: String, agent: String)]] = [:]
    /// Every message written so far, by its scoped ID: what receipts name.
    private var sentIDs: [String] = []
    /// Per origin: its claims as (claim ID, agent address).
    private var claims: [Int: [(id: String, agent: String)]] = [:]
    static let claimPatterns = ["src/**", "src/a.swift", "docs", "task:deploy", "task:*", "lib/*.c"]

    init(seed: UInt64) {
        random = SeededRandom(seed: seed)
        let count = Int.random(in: 3...5, using: &random)
        origins = (0..<count).map { _ in Origin() }
        var hostile: Set<Int> = [count - 1]
        if count > 3, Bool.random(using: &random) { hostile.insert(count - 2) }
        self.hostile = hostile
    }

    /// Every origin's events, with sequences 1, 2, 3… in its own order.
    mutating func events() -> [Event] {
        var all: [Event] = []
        for index in origins.indices where !hostile.contains(index) {
            // An honest clock that is an hour off, now and then.
            let offset = [0, 0, 3600, -3600].randomElement(using: &random)!
            var prev = EventChain.genesis
            for sequence in 1...Int64.random(in: 8...24, using: &random) {
                let change = honestChange(index)
                let second = Int64.random(in: 0...40, using: &random) + Int64(offset)
                let event = make(index, change, link: ChainLink(sequence: sequence, prev: prev), second: second)
                prev = event.chainHash
                all.append(event)
            }
        }
        honestEvents = all
        for index in hostile.sorted() {
            var branch: [Event] = []
            for sequence in 1...Int64.random(in: 8...24, using: &random) {
                branch.append(hostileEvent(index, link: ChainLink(sequence: sequence, prev: branch.last?.chainHash ?? EventChain.genesis)))
            }
            all += branch
            guard Bool.random(using: &random) else { continue }
            // A second branch, from a random point of the first on.
            let point = Int64.random(in: 1...Int64(branch.count), using: &random)
            var prev = point == 1 ? EventChain.genesis : branch[Int(point) - 2].chainHash
            for sequence in point...(point + Int64.random(in: 0...6, using: &random)) {
                let event = hostileEvent(index, link: ChainLink(sequence: sequence, prev: prev))
                prev = event.chainHash
                all.append(event)
            }
            forks[origins[index].id] = point
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

    private mutating func make(_ index: Int, _ change: Change, link: ChainLink, second: Int64,
                               eventID: String? = nil) -> Event {
        counter += 1
        return origins[index].identity.makeEvent(
            type: change.type, data: change.data, link: link,
            eventID: eventID ?? "evt_\(String(random.next() >> 40, radix: 36))_\(counter)",
            timestamp: Origin.timestamp(second))
    }

    private mutating func pick<T>(_ items: [T]) -> T { items.randomElement(using: &random)! }

    /// An honest origin's agent, written as a bare (legacy) name or as its full address: both are its own.
    private mutating func ownAgent(_ index: Int) -> (written: String, address: String) {
        let name = pick(Self.names)
        let address = origins[index].at(name)
        return (Bool.random(using: &random) ? name : address, address)
    }

    private mutating func honestChange(_ index: Int) -> Change {
        let (agent, address) = ownAgent(index)
        let origin = origins[index]
        switch Int.random(in: 0..<16, using: &random) {
        case 14, 15: return claimChange(index, agent: address)
        case 0, 1: return .register(agent, role: pick(["coder", "reviewer"]))
        case 2: return .deregister(agent)
        case 3, 4:
            // Legacy IDs (bare, shared with other origins) and scoped ones.
            let id = Bool.random(using: &random) ? "m\(counter)" : origin.msg("m\(counter)")
            let text = "text \(counter)"
            messages[index, default: []].append((id, address))
            acknowledged[origin.msg(id)] = Expected(author: address, text: text, deleted: false)
            let to = pick(["@" + pick(Self.names), "@" + pick(Self.groups), "@everyone",
                           "@" + pick(origins).at(pick(Self.names))])
            sentIDs.append(origin.msg(id))
            // A group or @everyone message names its recipients (as a current sender's daemon does)
            // or not (as an older one did); some ask for acknowledgements.
            let named = to.hasPrefix("@") && !to.dropFirst().contains("@") && !Self.names.contains(String(to.dropFirst()))
                && Bool.random(using: &random)
            let recipients = named ? origins.flatMap { o in Self.names.filter { _ in Bool.random(using: &random) }.map(o.at) } : nil
            return Change(.messageCreate, MessageCreated(messageID: id, from: agent, to: to, text: text, threadID: nil,
                                                         replyTo: nil, recipients: recipients,
                                                         ackRequired: Bool.random(using: &random) ? true : nil))
        case 5, 6:
            guard let own = messages[index]?.randomElement(using: &random) else { return .register(agent) }
            if Int.random(in: 0..<4, using: &random) == 0 {
                acknowledged[origin.msg(own.id)]?.deleted = true
                return .delete(own.id, by: own.author)
            }
            acknowledged[origin.msg(own.id)]?.text = "edit \(counter)"
            return .edit(own.id, by: own.author, "edit \(counter)")
        case 7: return .createGroup(pick(Self.groups), by: agent)
        case 8: return .join(pick(Self.groups), agent)
        case 9: return .leave(pick(Self.groups), agent)
        case 10:
            let id = "s\(counter)"
            sessions[index, default: []].append((id, address))
            return .startSession(id, agent: agent)
        case 11, 12:
            guard let own = sessions[index]?.randomElement(using: &random) else { return .join(pick(Self.groups), agent) }
            return Bool.random(using: &random) ? .endSession(own.id, agent: own.agent)
                : Change(.sessionHeartbeat, SessionChange(sessionID: own.id, agent: own.agent))
        default:
            guard Bool.random(using: &random) else {
                return Change(Bool.random(using: &random) ? .subscribe : .unsubscribe,
                              SubscriptionChange(agent: agent, topic: pick(Self.groups)))
            }
            return receipt(as: agent)
        }
    }

    /// A claim by `agent` of origin `index`, with a `seen` of random sequences (it need not be
    /// what the origin held: the rule must give one answer whatever it says), or a renewal or
    /// release of one of the origin's claims, perhaps by another of its agents.
    private mutating func claimChange(_ index: Int, agent: String) -> Change {
        if let own = claims[index]?.randomElement(using: &random), Bool.random(using: &random) {
            let by = pick([own.agent, agent])
            return Bool.random(using: &random)
                ? Change(.claimRenew, ClaimRenewed(claimID: own.id, agent: by, ttl: Int.random(in: 60...7200, using: &random)))
                : Change(.claimRelease, ClaimReleased(claimID: own.id, agent: by))
        }
        let id = "clm_\(counter)-" + origins[index].id
        claims[index, default: []].append((id, agent))
        var seen: [String: Int64] = [:]
        for origin in origins where Bool.random(using: &random) { seen[origin.id] = Int64.random(in: 0...24, using: &random) }
        let patterns = Array(Set((0..<Int.random(in: 1...2, using: &random)).map { _ in pick(Self.claimPatterns) })).sorted()
        return Change(.claimCreate, ClaimMade(claimID: id, agent: agent, project: pick(["p", "q"]), patterns: patterns,
                                              ttl: Int.random(in: 60...7200, using: &random), note: nil,
                                              shared: Bool.random(using: &random) ? true : nil, seen: seen))
    }

    /// A receipt naming a few messages of any origin, some perhaps not addressed to `agent`.
    private mutating func receipt(as agent: String) -> Change {
        guard !sentIDs.isEmpty else { return .register(agent) }
        let read = (0..<Int.random(in: 0...3, using: &random)).map { _ in pick(sentIDs) }
        let acknowledged = (0..<Int.random(in: 0...2, using: &random)).map { _ in
            MessageReceipt.Acknowledgement(messageID: pick(sentIDs), note: Bool.random(using: &random) ? "note \(counter)" : nil)
        }
        return Change(.messageReceipt, MessageReceipt(agent: agent, read: read, acknowledged: acknowledged))
    }

    /// One hostile event: back-dated or not, acting as its own agents or as honest ones, on its
    /// own IDs or on IDs honest origins made, sometimes under an honest event's `event_id`.
    private mutating func hostileEvent(_ index: Int, link: ChainLink) -> Event {
        let honest = origins.indices.filter { !hostile.contains($0) }
        let victim = pick(honest)
        let victimAgent = origins[victim].at(pick(Self.names))
        let ownName = pick(Self.names)
        let agent = pick([ownName, origins[index].at(ownName), victimAgent])
        let target = messages[victim]?.randomElement(using: &random)
        // A target message ID as its owner wrote it, or in either scoped form.
        let targetID = target.map { pick([$0.id, origins[victim].msg($0.id), "m\(counter)"]) } ?? "m1"
        let change: Change
        switch Int.random(in: 0..<10, using: &random) {
        case 0, 1: change = .register(pick([ownName, origins[index].at(ownName), victimAgent]), role: "hijacker")
        case 2: change = .deregister(victimAgent)
        case 3: change = .send(targetID, from: agent, to: "@" + pick(Self.names), "hostile \(counter)")
        case 4: change = .edit(targetID, by: pick([agent, target?.author ?? agent]), "hostile edit \(counter)")
        case 5: change = .delete(targetID, by: pick([agent, target?.author ?? agent]))
        case 6:
            let session = sessions[victim]?.randomElement(using: &random)
            let id = session.map { pick([$0.id, origins[victim].msg($0.id)]) } ?? "s1"
            change = pick([.startSession(id, agent: agent), .endSession(id, agent: session?.agent ?? agent)])
        case 7: change = pick([.join(pick(Self.groups), agent), .leave(pick(Self.groups), victimAgent),
                               .createGroup(pick(Self.groups), by: agent)])
        case 8: change = .send("m\(counter)", from: agent, to: "@" + victimAgent, "hostile \(counter)")
        // Its own claims (back-dated below, with any seen), or renewals and releases of a victim's.
        case 9 where Bool.random(using: &random):
            if let theirs = claims[victim]?.randomElement(using: &random), Bool.random(using: &random) {
                change = Change(.claimRelease, ClaimReleased(claimID: theirs.id, agent: pick([theirs.agent, agent])))
            } else {
                change = claimChange(index, agent: origins[index].at(ownName))
            }
        // Receipts in a victim's name (refused at the door) or its own agents' (not recipients).
        default: change = receipt(as: agent)
        }
        // Back-dated by up to two hours, or at the honest origins' time.
        let second = Bool.random(using: &random) ? Int64.random(in: -7200 ... -1, using: &random)
            : Int64.random(in: 0...40, using: &random)
        let reused = Int.random(in: 0..<3, using: &random) == 0 ? honestEvents.randomElement(using: &random)?.eventID : nil
        return make(index, change, link: link, second: second, eventID: reused)
    }
}

import FoundationEssentials
import Synchronization
import ThrumCore

public struct PeerRegistryError: Error, Sendable, CustomStringConvertible {
    public let description: String
}

/// The known peers, persisted in `peers.json` in the state folder (DESIGN §6).
/// Every change is written atomically before it is visible. A file that cannot
/// be parsed is moved aside and reported, never silently replaced by an empty one.
public final class PeerRegistry: Sendable {
    public let path: String

    private struct State {
        var peers: [PeerRecord] = []
        var problem: String?
        /// False when the file exists but could not be read: writing would replace it.
        var writable = true
    }

    private struct FileFormat: Codable {
        var version: Int
        var peers: [PeerRecord]
    }

    private struct VersionOnly: Decodable { var version: Int? }

    static let formatVersion = 1

    private let state: Mutex<State>

    /// Loads `path`. Problems are recorded in `registryProblem`, never thrown:
    /// the daemon runs on with whatever peers could be kept.
    public init(path: String) {
        self.path = path
        state = Mutex(Self.load(path))
    }

    /// What went wrong with `peers.json`, for `thrum status`; nil when all is well.
    public var registryProblem: String? { state.withLock { $0.problem } }

    /// Every peer, in the order they were added.
    public func all() -> [PeerRecord] { state.withLock { $0.peers } }

    public func peer(daemonID: String) -> PeerRecord? {
        state.withLock { $0.peers.first { $0.daemonID == daemonID } }
    }

    /// Adds the peer or replaces the one with the same daemon ID; another peer
    /// registered at the same address is dropped (the address now answers as this one).
    public func upsert(_ record: PeerRecord) throws(PeerRegistryError) {
        try change { peers in
            peers.removeAll { $0.address == record.address && $0.daemonID != record.daemonID }
            if let index = peers.firstIndex(where: { $0.daemonID == record.daemonID }) {
                peers[index] = record
            } else {
                peers.append(record)
            }
        }
    }

    /// Changes one peer in place; nil when it is not known.
    @discardableResult
    public func update(daemonID: String, _ body: (inout PeerRecord) -> Void) throws(PeerRegistryError) -> PeerRecord? {
        var updated: PeerRecord?
        try change { peers in
            guard let index = peers.firstIndex(where: { $0.daemonID == daemonID }) else { return }
            body(&peers[index])
            updated = peers[index]
        }
        return updated
    }

    public func remove(daemonID: String) throws(PeerRegistryError) {
        try remove { $0.daemonID == daemonID }
    }

    /// Removes, in one atomic write, every peer `matches` picks; returns them.
    @discardableResult
    public func remove(where matches: (PeerRecord) -> Bool) throws(PeerRegistryError) -> [PeerRecord] {
        var removed: [PeerRecord] = []
        try change { peers in
            removed = peers.filter(matches)
            peers.removeAll(where: matches)
        }
        return removed
    }

    /// Applies `body` to a copy, writes it, and only then makes it visible.
    private func change(_ body: (inout [PeerRecord]) -> Void) throws(PeerRegistryError) {
        try state.withLock { (state) throws(PeerRegistryError) in
            guard state.writable else {
                throw PeerRegistryError(description: "peers.json cannot be changed: \(state.problem ?? "it could not be read")")
            }
            var peers = state.peers
            body(&peers)
            guard peers != state.peers else { return }
            let bytes: [UInt8]
            do {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                bytes = Array(try encoder.encode(FileFormat(version: Self.formatVersion, peers: peers))) + [0x0a]
            } catch {
                throw PeerRegistryError(description: "cannot encode the peer list: \(error)")
            }
            do {
                try AtomicFile.write(bytes, to: path)
            } catch {
                throw PeerRegistryError(description: "\(error); check that the state directory is writable")
            }
            state.peers = peers
        }
    }

    private static func load(_ path: String) -> State {
        let bytes: [UInt8]
        do {
            guard let read = try AtomicFile.read(path) else { return State() }
            bytes = read
        } catch {
            // Unreadable (permissions, I/O): keep it untouched and do not overwrite it.
            return State(peers: [], problem: "\(error); peers are not saved until this is fixed", writable: false)
        }
        if let version = (try? BoundedJSON.decode(VersionOnly.self, from: bytes))?.version, version > formatVersion {
            return State(peers: [], problem: "\(path) was written by a newer thrum (format \(version)); "
                + "peers are not saved until that version runs again", writable: false)
        }
        do {
            let file = try BoundedJSON.decode(FileFormat.self, from: bytes)
            return State(peers: file.peers)
        } catch {
            let aside = path + ".corrupt-" + compactTimestamp()
            do {
                try AtomicFile.move(path, to: aside)
            } catch {
                return State(peers: [], problem: "\(path) is not valid JSON and could not be moved aside (\(error)); "
                    + "fix or remove it", writable: false)
            }
            return State(peers: [], problem: "\(path) was not valid JSON; it was moved to \(aside). "
                + "Re-add peers with thrum tsync peers add, or let discovery find them")
        }
    }

    /// `20261125T005409.123Z`: sortable and free of characters awkward in file names.
    private static func compactTimestamp() -> String {
        String(Timestamp.now().filter { $0 != "-" && $0 != ":" })
    }
}

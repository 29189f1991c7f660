import Synchronization

/// Which peers proved their key at which address, and when. A pull skips `sync.peer_info`
/// while the proof is fresh, so a steady stream of writes costs one RPC per pull, not two;
/// an address that changes, or a proof older than `lifetime`, is asked again.
final class KeyProofCache: Sendable {
    private struct Proof {
        var address: String
        var at: ContinuousClock.Instant
    }

    private let proofs = Mutex<[String: Proof]>([:])
    let lifetime: Duration

    init(lifetime: Duration = .seconds(300)) {
        self.lifetime = lifetime
    }

    func isFresh(_ daemonID: String, at address: String) -> Bool {
        proofs.withLock { proofs in
            guard let proof = proofs[daemonID], proof.address == address else { return false }
            return ContinuousClock.now - proof.at < lifetime
        }
    }

    func proved(_ daemonID: String, at address: String) {
        proofs.withLock { $0[daemonID] = Proof(address: address, at: .now) }
    }

    func forget(_ daemonID: String) {
        proofs.withLock { _ = $0.removeValue(forKey: daemonID) }
    }
}

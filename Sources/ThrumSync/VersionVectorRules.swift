import ThrumCore
import ThrumRPC
import ThrumStore

/// Checks on a version vector a peer sends (`have` of sync.pull and sync.notify).
enum VersionVectorRules {
    /// More origins than any fleet has; bounds the work one request can ask for.
    static let maxOrigins = 10_000

    static func validate(_ vector: VersionVector?, field: String) throws(RPCError) {
        guard let vector else { return }
        guard vector.count <= maxOrigins else {
            throw .invalidParams("\(field) names \(vector.count) origins, more than \(maxOrigins)")
        }
        for (origin, sequence) in vector {
            guard origin.hasPrefix("d_"), origin.utf8.count <= 64 else {
                throw .invalidParams("\(field) must map daemon IDs (d_…) to sequences")
            }
            guard (0...EventLimits.maxSequence).contains(sequence) else {
                throw .invalidParams("\(field)[\(origin)] must be between 0 and 2^53 (got \(sequence))")
            }
        }
    }

    /// The `heads` and `forks` beside a vector: daemon IDs to chain hashes and to sequences.
    static func validate(heads: [String: String]?, forks: [String: Int64]?) throws(RPCError) {
        if let heads {
            guard heads.count <= maxOrigins else { throw .invalidParams("heads names \(heads.count) origins, more than \(maxOrigins)") }
            for (origin, head) in heads {
                guard origin.hasPrefix("d_"), origin.utf8.count <= 64, EventChain.isHash(head) else {
                    throw .invalidParams("heads must map daemon IDs (d_…) to chain hashes (64 lowercase hex digits)")
                }
            }
        }
        if let forks {
            guard forks.count <= maxOrigins else { throw .invalidParams("forks names \(forks.count) origins, more than \(maxOrigins)") }
            for (origin, point) in forks {
                guard origin.hasPrefix("d_"), origin.utf8.count <= 64, (1...EventLimits.maxSequence).contains(point) else {
                    throw .invalidParams("forks must map daemon IDs (d_…) to sequences between 1 and 2^53")
                }
            }
        }
    }
}

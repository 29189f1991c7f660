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
}

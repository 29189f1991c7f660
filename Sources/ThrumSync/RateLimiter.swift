import Synchronization

/// A token bucket per peer identity (DESIGN §7): `burst` requests at once, then
/// `ratePerSecond` on average. Past it a request is refused with how long to wait.
public final class RateLimiter: Sendable {
    public enum Admission: Sendable, Equatable {
        case allowed
        case limited(retryAfterMilliseconds: Int)
    }

    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private let ratePerSecond: Double
    private let burst: Double
    private let maxKeys: Int
    private let now: @Sendable () -> ContinuousClock.Instant
    private let buckets = Mutex<[String: Bucket]>([:])

    /// `maxKeys` bounds memory when many identities come and go; see `makeRoom`.
    public init(
        ratePerSecond: Double,
        burst: Int,
        maxKeys: Int = 4096,
        clock now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        // The configuration loader rejects non-positive values; clamping keeps the arithmetic
        // defined (no division by zero) should one slip through.
        self.ratePerSecond = max(ratePerSecond, 0.001)
        self.burst = Double(max(burst, 1))
        self.maxKeys = max(maxKeys, 1)
        self.now = now
    }

    public func admit(_ key: String) -> Admission {
        let instant = now()
        return buckets.withLock { buckets in
            if buckets[key] == nil && buckets.count >= maxKeys {
                makeRoom(in: &buckets, at: instant)
            }
            var bucket = buckets[key] ?? Bucket(tokens: burst, updated: instant)
            bucket.tokens = refilled(bucket, at: instant)
            bucket.updated = instant
            defer { buckets[key] = bucket }
            guard bucket.tokens >= 1 else {
                let milliseconds = (1 - bucket.tokens) / ratePerSecond * 1000
                // Round up so a peer that waits as told finds a token, but first drop binary
                // noise (60.000000001 ms must not become 61).
                return .limited(retryAfterMilliseconds: max(1, Int((milliseconds - 1e-6).rounded(.up))))
            }
            bucket.tokens -= 1
            return .allowed
        }
    }

    /// How many peers have a bucket now; for tests of the memory bound.
    var trackedKeyCount: Int { buckets.withLock { $0.count } }

    private func refilled(_ bucket: Bucket, at instant: ContinuousClock.Instant) -> Double {
        let elapsed = max(Self.seconds(bucket.updated.duration(to: instant)), 0)
        return min(burst, bucket.tokens + elapsed * ratePerSecond)
    }

    /// A bucket that has refilled completely behaves exactly like a new one, so dropping it
    /// changes nothing. Only if every bucket is busy is the longest-idle one dropped.
    private func makeRoom(in buckets: inout [String: Bucket], at instant: ContinuousClock.Instant) {
        buckets = buckets.filter { refilled($0.value, at: instant) < burst }
        if buckets.count >= maxKeys, let idlest = buckets.min(by: { $0.value.updated < $1.value.updated }) {
            buckets[idlest.key] = nil
        }
    }

    private static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}

import Synchronization

/// ULIDs (48-bit millisecond time, 80 random bits, Crockford base32): sortable
/// by creation time. Within one millisecond the random part is incremented,
/// so IDs made by one process are strictly increasing.
public final class ULIDGenerator: Sendable {
    private struct State {
        var lastMillis: UInt64 = 0
        var high: UInt16 = 0 // top 16 of the 80 random bits
        var low: UInt64 = 0  // bottom 64
    }

    private let state = Mutex(State())
    private let clock: @Sendable () -> UInt64

    public init(clock: @escaping @Sendable () -> UInt64 = ULIDGenerator.wallClockMillis) {
        self.clock = clock
    }

    public static func wallClockMillis() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return UInt64(ts.tv_sec) * 1000 + UInt64(ts.tv_nsec) / 1_000_000
    }

    public func next() -> String {
        let now = clock()
        let (millis, high, low) = state.withLock { s -> (UInt64, UInt16, UInt64) in
            if now > s.lastMillis {
                var rng = SystemRandomNumberGenerator()
                s.lastMillis = now
                // Leave headroom in the top bit so increments never overflow in practice.
                s.high = UInt16.random(in: 0...0x7fff, using: &rng)
                s.low = rng.next()
            } else {
                // Same millisecond (or the clock stepped back): keep order by incrementing.
                let (sum, overflow) = s.low.addingReportingOverflow(1)
                s.low = sum
                if overflow { s.high &+= 1 }
            }
            return (s.lastMillis, s.high, s.low)
        }
        return Self.encode(millis: millis, high: high, low: low)
    }

    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    static func encode(millis: UInt64, high: UInt16, low: UInt64) -> String {
        var out = [UInt8](repeating: 0, count: 26)
        // 10 characters of time (50 bits, top 2 always zero for 48-bit times).
        var t = millis
        for i in stride(from: 9, through: 0, by: -1) {
            out[i] = alphabet[Int(t & 31)]
            t >>= 5
        }
        // 16 characters of randomness: 80 bits = high(16) ‖ low(64).
        var lo = low
        var hi = UInt64(high)
        for i in stride(from: 25, through: 10, by: -1) {
            out[i] = alphabet[Int(lo & 31)]
            lo = (lo >> 5) | ((hi & 31) << 59)
            hi >>= 5
        }
        return String(decoding: out, as: UTF8.self)
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// Process-wide ID source for events, messages and sessions.
public enum EventIDs {
    public static let generator = ULIDGenerator()
    public static func next(prefix: String) -> String { prefix + generator.next() }
}

import FoundationEssentials
import Testing
@testable import ThrumCore
import ThrumTestSupport

/// The canonical-form reader must agree with the general ISO 8601 parser on every string it
/// answers for, and answer for every time a daemon writes.
@Suite struct TimestampTests {
    let general = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    func generalMilliseconds(_ text: String) -> Int64? {
        (try? general.parse(text)).map(Timestamp.milliseconds)
    }

    @Test func everyTimeADaemonWritesIsReadAsTheGeneralParserReadsIt() {
        var random = SeededRandom(seed: 20261130)
        for _ in 0..<20_000 {
            // 1900-01-01 to 9999-12-31, any millisecond.
            let milliseconds = Int64.random(in: -2_208_988_800_000...253_402_300_799_999, using: &random)
            let text = Timestamp.format(Date(timeIntervalSince1970: Double(milliseconds) / 1000))
            // (The formatter may land a millisecond early: a Double holds no exact millisecond.)
            let fast = CanonicalTimestamp.milliseconds(text)
            #expect(fast != nil && fast == generalMilliseconds(text), "\(text)")
            #expect(fast.map { abs($0 - milliseconds) <= 1 } == true, "\(text)")
        }
    }

    @Test func strayDigitsInTheCanonicalShapeAreReadAsTheGeneralParserReadsThemOrLeftToIt() {
        var random = SeededRandom(seed: 7)
        let shape = Array("0000-00-00T00:00:00.000Z")
        // Edges of each field: leap days, month 13, April 31, hour 24, minute and second 60, 1899.
        var candidates = ["1999-02-29T12:00:00.000Z", "2000-02-29T23:59:59.999Z", "2100-02-29T00:00:00.000Z",
                          "2026-13-01T00:00:00.000Z", "2026-04-31T00:00:00.000Z", "2026-01-01T24:00:00.000Z",
                          "2026-01-01T00:60:00.000Z", "2026-01-01T00:00:60.000Z", "1899-12-31T23:59:59.999Z"]
        for _ in 0..<50_000 {
            candidates.append(String(shape.map { $0 == "0" ? Character(String(Int.random(in: 0...9, using: &random))) : $0 }))
        }
        var answered = 0
        for candidate in candidates {
            guard let fast = CanonicalTimestamp.milliseconds(candidate) else { continue }
            answered += 1
            #expect(fast == generalMilliseconds(candidate), "\(candidate)")
        }
        #expect(answered > 100)
        #expect(CanonicalTimestamp.milliseconds("2026-02-29T00:00:00.000Z") == nil)
        #expect(CanonicalTimestamp.milliseconds("2026-01-01T00:00:00Z") == nil)
        #expect(Timestamp.parse("2026-01-01T00:00:00Z") != nil)
    }
}

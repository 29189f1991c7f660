import Testing
@testable import ThrumSync

@Suite struct GoDurationTests {
    @Test("durations print the way Go prints them, as the seed's log lines do",
          arguments: [
              (300.0, "5m0s"), (120.0, "2m0s"), (30.0, "30s"), (1.5, "1.5s"), (0.5, "500ms"),
              (0.0, "0s"), (3600.0, "1h0m0s"), (5400.0, "1h30m0s"), (90.0, "1m30s"), (0.0015, "1.5ms"),
              (0.000_002, "2µs"), (0.000_000_5, "500ns"), (-2.0, "-2s"), (61.25, "1m1.25s"),
          ])
    func formatsLikeGo(seconds: Double, expected: String) {
        #expect(GoDuration.format(seconds: seconds) == expected)
    }

    @Test func formatsSwiftDurations() {
        #expect(GoDuration.format(.seconds(300)) == "5m0s")
        #expect(GoDuration.format(.milliseconds(1500)) == "1.5s")
    }
}

import Testing
@testable import ThrumCore

@Suite struct PeerExpiryConfigTests {
    private func expiry(_ value: String?) throws -> Double {
        try ConfigLoader.load(environment: value.map { ["THRUM_PEER_EXPIRY": $0] } ?? [:], readFile: { _ in nil })
            .config.peerExpiry
    }

    @Test func defaultsToSevenDaysAndTakesDaysHoursOrNever() throws {
        #expect(try expiry(nil) == 7 * 86400)
        #expect(try expiry("7d") == 7 * 86400)
        #expect(try expiry("36h") == 36 * 3600)
        #expect(try expiry("1d12h") == 36 * 3600)
        #expect(try expiry("90m") == 5400)
        #expect(try expiry("0") == 0)
    }

    @Test(arguments: ["7", "7x", "-1d", "d", "0d", "0s", "1.5d", "1d-2h", "never"])
    func aBadExpirySaysWhatIsAllowed(value: String) {
        #expect {
            _ = try expiry(value)
        } throws: { error in
            let error = error as? ConfigError
            return error?.variable == "THRUM_PEER_EXPIRY"
                && error?.description.contains("expected a duration such as 7d, 36h or 90m, or 0 for never") == true
        }
    }
}

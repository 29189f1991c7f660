import Testing
@testable import ThrumMCP

@Suite struct ProtocolVersionTests {
    @Test func theClientsVersionIsKeptWhenSupportedElseTheNewest() {
        #expect(MCPProtocol.newestVersion == "2025-11-25")
        for version in ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"] {
            #expect(MCPProtocol.negotiate(version) == version)
        }
        #expect(MCPProtocol.negotiate("2026-07-28") == "2025-11-25")
        #expect(MCPProtocol.negotiate("2099-01-01") == "2025-11-25")
        #expect(MCPProtocol.negotiate("") == "2025-11-25")
    }

    @Test func structuredContentOnlyFromTheVersionThatHasIt() {
        #expect(MCPProtocol.hasStructuredContent("2025-11-25"))
        #expect(MCPProtocol.hasStructuredContent("2025-06-18"))
        #expect(!MCPProtocol.hasStructuredContent("2025-03-26"))
        #expect(!MCPProtocol.hasStructuredContent("2024-11-05"))
    }
}

import Testing
import ThrumCore
import ThrumRPC
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

    private func listedTools(_ version: String) throws -> [JSONValue] {
        let wire = try RPCWire.result(id: .int(1), ToolList(protocolVersion: version))
        guard case let .array(tools)? = try BoundedJSON.decode(JSONValue.self, from: wire.dropLast())["result"]?["tools"] else {
            Issue.record("no tools")
            return []
        }
        return tools
    }

    @Test(arguments: ["2025-11-25", "2025-06-18"])
    func toolsListDeclaresEachToolsOutputSchemaWhereResultsAreStructured(_ version: String) throws {
        let tools = try listedTools(version)
        #expect(tools.count == ThrumTool.allCases.count)
        for tool in ThrumTool.allCases {
            let listed = tools.first { $0["name"] == .string(tool.rawValue) }
            #expect(listed?["outputSchema"] == tool.outputSchema, "\(tool.rawValue)")
            #expect(listed?["inputSchema"]?["type"] == .string("object"), "\(tool.rawValue)")
        }
    }

    @Test(arguments: ["2025-03-26", "2024-11-05"])
    func toolsListLeavesOutputSchemasOutWhereResultsAreNotStructured(_ version: String) throws {
        let tools = try listedTools(version)
        #expect(tools.count == ThrumTool.allCases.count)
        #expect(tools.allSatisfy { $0["outputSchema"] == nil && $0["inputSchema"] != nil })
    }
}

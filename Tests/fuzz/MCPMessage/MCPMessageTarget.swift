import FuzzSupport
#if canImport(Glibc)
import Glibc
#endif
import ThrumRPC
@testable import ThrumMCP

/// MCP standard input: split into lines as the server does, then each line
/// decoded the ways the message router decodes it.
func target(_ input: [UInt8]) {
    var splitter = LineSplitter(maxLineBytes: 4096)
    var lines = splitter.feed(input)
    if let last = splitter.finish() { lines.append(last) }
    for case let .line(line) in lines {
        switch RPCRequest.parse(line: line) {
        case .failure:
            _ = MessageRouter.isResponse(line)
        case let .success(request):
            _ = try? request.params(InitializeParams.self)
            _ = try? request.params(CancelledParams.self)
            _ = try? request.params(ToolCallName.self)
            _ = try? request.params(ToolCallParams<SendMessageArguments>.self)
            _ = try? request.params(ToolCallParams<NoArguments>.self)
            _ = try? request.params(InboxListener.Params.self)
            if case let .failure(error)? = RequestEnvelope.version(of: request) {
                _ = RPCWire.error(id: request.id, error)
            }
        }
    }
}

// A single-file executable runs its top-level code as main.
exit(FuzzMain.run(CommandLine.argc, CommandLine.unsafeArgv, target))

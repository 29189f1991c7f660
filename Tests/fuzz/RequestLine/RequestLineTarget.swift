import FuzzSupport
#if canImport(Glibc)
import Glibc
#endif
import ThrumCore
import ThrumRPC
import ThrumSync

/// A request line as both listeners read it: envelope, id rules, then params
/// decoded as a typical method's, and as the sync port's methods decode and check theirs.
func target(_ line: [UInt8]) {
    struct Params: Decodable { var agent: String?; var limit: Int?; var tags: [String]? }
    switch RPCRequest.parse(line: line) {
    case let .success(request):
        precondition(request.id?.isValidRequestID ?? true, "an invalid id was accepted")
        _ = try? request.params(Params.self)
        if let pull = try? request.params(PullParams.self) { _ = try? pull.validate() }
        if let notify = try? request.params(NotifyParams.self) { _ = try? notify.validate() }
        if let span = try? request.params(OriginEventsParams.self) { _ = try? span.validate() }
        _ = RPCWire.error(id: request.id, .invalidParams("x"))
    case let .failure(rejection):
        precondition(rejection.id?.isValidRequestID ?? true, "an invalid id would be echoed")
        _ = RPCWire.error(id: rejection.id, rejection.error)
    }
}

// A single-file executable runs its top-level code as main.
exit(FuzzMain.run(CommandLine.argc, CommandLine.unsafeArgv, target))

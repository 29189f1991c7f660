import ArgumentParser
import FoundationEssentials
import ThrumControlAPI
import ThrumCore
import ThrumRPC
import ThrumSystem
#if canImport(Glibc)
import Glibc
#endif

/// The CLI's side of the control socket: finds the socket, calls one method,
/// and turns every failure into a message and an exit code.
enum ControlClient {
    /// The effective configuration as the CLI sees it (the env file may be
    /// unreadable for an ordinary user; then only the environment counts).
    static func configuration() throws -> LoadedConfig {
        do {
            return try ConfigLoader.load(environment: ProcessEnvironment.current()) { path in
                do { return try TextFile.read(path) } catch { return nil }
            }
        } catch {
            throw fail("configuration error: \(error)", Exit.config)
        }
    }

    static func call<P: Encodable, R: Decodable>(_ method: ControlMethod, _ params: P, as: R.Type = R.self,
                                                 timeout: Duration = .seconds(30)) async throws -> R {
        let socket = try configuration().config.socketPath
        do {
            return try await LineRPCClient.call(.unixPath(socket), method.rawValue, params, as: R.self, timeout: timeout)
        } catch let error as RPCClientError {
            switch error {
            case let .unreachable(_, reason):
                throw fail("""
                    cannot reach the thrum daemon at \(socket): \(reason)
                    hint: check it with 'systemctl status thrum', or run one in the foreground with 'thrum daemon start'
                    """, Exit.unreachable)
            case let .server(rpc):
                throw fail(rpc.message, Exit.code(for: rpc))
            case .timedOut, .closed, .badResponse:
                throw fail("\(error)", Exit.failure)
            }
        }
    }

    static func call<R: Decodable>(_ method: ControlMethod, as: R.Type = R.self) async throws -> R {
        try await call(method, NoParams(), as: R.self)
    }
}

/// JSON for `--json`: pretty, stable key order.
enum JSONOutput {
    static func print(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        Swift.print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}

import ArgumentParser
import ThrumSystem

struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON for scripts instead of a table.")
    var json = false
}

struct AgentOption: ParsableArguments {
    @Option(name: .long, help: "The acting agent (default: $THRUM_AGENT).")
    var agent: String?

    /// The agent name, or a usage error that says how to give one.
    func resolve() throws -> String {
        if let agent, !agent.isEmpty { return agent }
        if let fromEnvironment = ProcessEnvironment.current()["THRUM_AGENT"], !fromEnvironment.isEmpty { return fromEnvironment }
        throw ValidationError("no agent given: pass --agent NAME or set THRUM_AGENT")
    }
}

import ArgumentParser
import ThrumControlAPI
import ThrumCore

struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent", abstract: "Register and list agents.", subcommands: [Register.self, Deregister.self, List.self])

    struct Register: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register an agent on this daemon (visible on every synced daemon).")
        @Argument(help: "The agent's name: letters, digits, '.', '_' or '-'.") var name: String
        @Option(help: "What the agent does, e.g. reviewer.") var role: String?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let written: ControlResults.Written = try await ControlClient.call(.agentRegister, ControlParams.Register(agent: name, role: role))
            if output.json { return try JSONOutput.print(written) }
            print("registered agent \(name)\(role.map { " (\($0))" } ?? "")")
        }
    }

    struct Deregister: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deregister one of this daemon's agents.")
        @Argument(help: "The agent's name.") var name: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let written: ControlResults.Written = try await ControlClient.call(.agentDeregister, ControlParams.Agent(agent: name))
            if output.json { return try JSONOutput.print(written) }
            print("deregistered agent \(name)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List registered agents.")
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let list: AgentList = try await ControlClient.call(.agentList)
            if output.json { return try JSONOutput.print(list) }
            if list.agents.isEmpty { return print("no agents registered; add one with: thrum agent register NAME") }
            Table.print(["AGENT", "ROLE", "HOST", "ADDRESS", "REGISTERED"],
                        list.agents.map { [$0.display, $0.role ?? "-", $0.host ?? "-", $0.address, Ago.since($0.registeredAt)] })
        }
    }
}

struct SessionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "session", abstract: "Start, end and keep alive an agent's work session.",
        subcommands: [Start.self, End.self, Heartbeat.self])

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start a session for the agent.")
        @OptionGroup var agent: AgentOption
        @Option(help: "What the agent is about to do.") var intent: String?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let written: ControlResults.Written = try await ControlClient.call(.sessionStart, ControlParams.SessionStart(agent: try agent.resolve(), intent: intent))
            if output.json { return try JSONOutput.print(written) }
            print("session \(written.sessionID ?? "?") started")
        }
    }

    struct End: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "End the agent's active session.")
        @OptionGroup var agent: AgentOption
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let written: ControlResults.Written = try await ControlClient.call(.sessionEnd, ControlParams.Agent(agent: try agent.resolve()))
            if output.json { return try JSONOutput.print(written) }
            print("session \(written.sessionID ?? "?") ended")
        }
    }

    struct Heartbeat: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record that the agent's session is alive.")
        @OptionGroup var agent: AgentOption
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let written: ControlResults.Written = try await ControlClient.call(.sessionHeartbeat, ControlParams.Agent(agent: try agent.resolve()))
            if output.json { return try JSONOutput.print(written) }
            print("heartbeat recorded for session \(written.sessionID ?? "?")")
        }
    }
}

struct GroupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "group", abstract: "Groups of agents that can be messaged as @GROUP.",
        subcommands: [Create.self, Join.self, Leave.self, List.self])

    struct Change: ParsableArguments {
        @Argument(help: "The group's name.") var name: String
        @OptionGroup var agent: AgentOption
    }

    static func change(_ method: ControlMethod, _ args: Change, verb: String) async throws {
        let agent = try args.agent.resolve()
        let _: ControlResults.Written = try await ControlClient.call(method, ControlParams.Group(agent: agent, group: args.name))
        print("\(agent) \(verb) \(args.name)")
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a group; the acting agent joins it.")
        @OptionGroup var args: Change
        func run() async throws { try await GroupCommand.change(.groupCreate, args, verb: "created group") }
    }

    struct Join: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Join a group.")
        @OptionGroup var args: Change
        func run() async throws { try await GroupCommand.change(.groupJoin, args, verb: "joined") }
    }

    struct Leave: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Leave a group.")
        @OptionGroup var args: Change
        func run() async throws { try await GroupCommand.change(.groupLeave, args, verb: "left") }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List groups and their members.")
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let list: GroupList = try await ControlClient.call(.groupList)
            if output.json { return try JSONOutput.print(list) }
            if list.groups.isEmpty { return print("no groups; create one with: thrum group create NAME") }
            Table.print(["GROUP", "MEMBERS", "CREATED BY"], list.groups.map { [$0.name, $0.members.joined(separator: ","), $0.createdBy] })
        }
    }
}

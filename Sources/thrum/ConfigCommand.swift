import ArgumentParser
import ThrumCore
import ThrumSystem

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Configuration.", subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate the configuration and print every effective value with where it came from.",
            discussion: "Reads THRUM_CONFIG (default /etc/thrum/thrum.env) and the environment, as the daemon does. Exit 78 when a value is invalid.")
        @OptionGroup var output: OutputOptions

        struct Entry: Codable {
            var variable: String
            var value: String?
            var source: String
        }

        func run() async throws {
            let loaded: LoadedConfig
            do {
                loaded = try ConfigLoader.load(environment: ProcessEnvironment.current()) { path in try TextFile.read(path) }
            } catch {
                throw fail("configuration error: \(error)", Exit.config)
            }
            let entries = ConfigVariables.all.map { variable -> Entry in
                let raw = loaded.values[variable.name] ?? variable.defaultText
                let shown = variable.secret && raw != nil ? "<set, hidden>" : raw
                return Entry(variable: variable.name, value: shown, source: loaded.sources[variable.name]?.description ?? "default")
            }
            if output.json { return try JSONOutput.print(entries) }
            Table.print(["VARIABLE", "VALUE", "SOURCE"], entries.map { [$0.variable, $0.value ?? "(unset)", $0.source] })
            for warning in loaded.warnings { print("warning: \(warning)") }
            print("configuration OK")
        }
    }
}

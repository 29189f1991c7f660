import ArgumentParser
import ThrumControlAPI
import ThrumCore
import ThrumSystem
#if canImport(Glibc)
import Glibc
#endif

/// `thrum claim …`: advisory claims of paths and task keys, per project (README "Claims").
struct ClaimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "claim", abstract: "Claim paths or tasks before working on them, and check others' claims.",
        discussion: """
            A claim is advisory: it tells every agent on every synced machine that the paths or task are taken. \
            Exit 5 means another agent holds what was asked for.
            """,
        subcommands: [Add.self, Renew.self, Release.self, List.self, Check.self, Hook.self])
}

/// `--project`, or the project of the git repository the command runs in (from its remote).
struct ProjectOption: ParsableArguments {
    @Option(help: "The project the claims are in (default: from this git repository's remote).")
    var project: String?

    func resolve() throws -> String {
        if let project, !project.isEmpty { return project }
        do {
            return try GitRepository.containing().projectFromRemote()
        } catch {
            throw fail("cannot tell which project this is: \(error)", Exit.usage)
        }
    }
}

extension ClaimCommand {
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Claim paths (globs relative to the repository's top folder) or tasks (task:NAME).",
            discussion: """
                Exit 5 when another agent holds an overlapping claim this daemon knows of. With --wait-confirmed, \
                waits until every peer synced in the last THRUM_CLAIM_CONFIRM_WINDOW holds the claim (exit 4 when \
                TIMEOUT passes first, 5 if it turns out contested): --wait-confirmed or --wait-confirmed=2m.
                """)
        @Argument(help: "Patterns: src/sync/**, Package.swift, docs/ (a folder), task:release-1.2.") var patterns: [String]
        @Option(help: "How long the claim lasts unless renewed, at most 1d (default 1h).") var ttl: String?
        @Option(help: "A note for other agents (at most 1 KiB).") var note: String?
        @Flag(help: "Shared: other shared claims on the same paths do not conflict with it.") var shared = false
        @Flag(name: .customLong("wait-confirmed"), help: "Wait until the claim is confirmed (default timeout 2m).")
        var waitConfirmed = false
        @Option(name: .customLong("confirm-timeout"), help: .hidden) var confirmTimeout: String?
        @OptionGroup var projectOption: ProjectOption
        @OptionGroup var agent: AgentOption
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let agent = try agent.resolve()
            let ttlSeconds = try ttl.map(ClaimText.ttlSeconds)
            let claim: ClaimRecord = try await ControlClient.call(
                .claimAdd, ControlParams.ClaimAdd(agent: agent, project: try projectOption.resolve(), patterns: patterns,
                                                  ttlSeconds: ttlSeconds, note: note, shared: shared ? true : nil))
            guard waitConfirmed else {
                if output.json { return try JSONOutput.print(claim) }
                return ClaimText.print(claim)
            }
            let timeout = confirmTimeout ?? "2m"
            guard let seconds = DurationText.parse(timeout) else {
                throw ValidationError("--wait-confirmed=\"\(timeout)\" is not a duration such as 30s or 2m")
            }
            let milliseconds = Int(seconds * 1000)
            let waited: ClaimWaited = try await ControlClient.call(
                .claimWaitConfirmed, ControlParams.ClaimWaitConfirmed(agent: agent, claimID: claim.claimID, timeoutMilliseconds: milliseconds),
                timeout: .milliseconds(milliseconds) + .seconds(10))
            if output.json { try JSONOutput.print(waited.claim) } else { ClaimText.print(waited.claim) }
            if waited.claim.state == "contested" { throw Exit.claimed }
            if waited.timedOut {
                FileOutput.standardError("thrum: not confirmed within \(timeout): \(waited.claim.confirmation ?? "")")
                throw Exit.timeout
            }
        }
    }

    struct Renew: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Extend one of the agent's claims from now.")
        @Argument(help: "The claim (clm_…).") var claimID: String
        @Option(help: "How long from now, at most 1d (default: the claim's own TTL).") var ttl: String?
        @OptionGroup var agent: AgentOption
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let ttlSeconds = try ttl.map(ClaimText.ttlSeconds)
            let claim: ClaimRecord = try await ControlClient.call(
                .claimRenew, ControlParams.ClaimRenew(agent: try agent.resolve(), claimID: claimID, ttlSeconds: ttlSeconds))
            if output.json { return try JSONOutput.print(claim) }
            ClaimText.print(claim)
        }
    }

    struct Release: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give up one of the agent's claims, or all of them with --all.")
        @Argument(help: "The claim (clm_…).") var claimID: String?
        @Flag(help: "Every live claim of the agent (in --project, when given).") var all = false
        @Option(help: "With --all: only this project's claims.") var project: String?
        @OptionGroup var agent: AgentOption
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard (claimID == nil) == all else { throw ValidationError("give a claim ID or --all") }
        }

        func run() async throws {
            let done: ClaimsReleased = try await ControlClient.call(
                .claimRelease, ControlParams.ClaimRelease(agent: try agent.resolve(), claimID: claimID, all: all ? true : nil,
                                                          project: project))
            if output.json { return try JSONOutput.print(done) }
            if done.released.isEmpty { return print(all ? "no live claims to release" : "\(claimID ?? "") was released already") }
            for id in done.released { print("released \(id)") }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List live claims (of this repository's project unless --all-projects), with their states.")
        @Option(name: .customLong("of"), help: "Only this agent's claims.") var of: String?
        @Option(help: "Only claims covering this path (repository-relative) or task:NAME.") var path: String?
        @Flag(help: "Also claims released or expired in the last day.") var ended = false
        @Flag(help: "Claims of every project.") var allProjects = false
        @OptionGroup var projectOption: ProjectOption
        @OptionGroup var agent: AgentOption
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let list: ClaimList = try await ControlClient.call(
                .claimList, ControlParams.ClaimList(agent: try agent.resolve(), project: allProjects ? nil : try projectOption.resolve(),
                                                    of: of, path: path, ended: ended ? true : nil))
            if output.json { return try JSONOutput.print(list) }
            if list.claims.isEmpty { return print("no claims") }
            for claim in list.claims { ClaimText.print(claim) }
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Exit 0 when no other agent holds any of the paths; else exit 5 and say who holds what.",
            discussion: "Paths are relative to the current folder inside the repository, or task:NAME. A contested path counts as held.")
        @Argument(help: "Paths or task:NAME.") var paths: [String] = []
        @Flag(help: "Check the paths staged for commit (what the pre-commit hook runs).") var staged = false
        @Option(name: .long, help: "The acting agent, whose own claims do not count (default: $THRUM_AGENT; none: every claim counts).")
        var agent: String?
        @OptionGroup var projectOption: ProjectOption
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard staged || !paths.isEmpty else { throw ValidationError("give paths to check, or --staged") }
        }

        func run() async throws {
            var checked = paths
            let repository = try? GitRepository.containing()
            if let repository {
                checked = checked.map { $0.hasPrefix("task:") ? $0 : repository.prefix + $0 }
            }
            if staged {
                guard let repository else { throw fail("--staged needs a git repository; run it inside one", Exit.usage) }
                do { checked += try repository.stagedPaths() } catch { throw fail("\(error)") }
            }
            let acting = agent ?? ProcessEnvironment.current()["THRUM_AGENT"].flatMap { $0.isEmpty ? nil : $0 }
            let result: ClaimCheckResult = try await ControlClient.call(
                .claimCheck, ControlParams.ClaimCheck(agent: acting, project: try projectOption.resolve(), paths: checked))
            if output.json { try JSONOutput.print(result) }
            guard !result.held.isEmpty else {
                if !output.json && !staged { print("none of \(result.checked) path(s) is claimed by another agent") }
                return
            }
            if !output.json {
                FileOutput.standardError("thrum: \(result.held.count) of \(result.checked) path(s) claimed by another agent in \(result.project):")
                for held in result.held {
                    let who = held.holders.map { h in
                        "\(h.agent)\(h.host.map { " on \($0)" } ?? "") (\(h.claimID), \(h.state), until \(h.expiresAt))"
                    }
                    FileOutput.standardError("  \(held.path): \(who.joined(separator: "; "))")
                }
            }
            throw Exit.claimed
        }
    }

    struct Hook: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Install the pre-commit guard: a commit touching another agent's claimed path is refused.",
            subcommands: [Install.self])

        struct Install: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Install `thrum claim check --staged` as this repository's pre-commit hook.",
                discussion: "Refuses to replace a pre-commit hook that is not its own; merge it by hand then.")
            @Option(help: "Check claims of this project (default: from the repository's remote at commit time).")
            var project: String?

            func run() async throws {
                let repository: GitRepository
                do { repository = try GitRepository.containing() } catch { throw fail("\(error)", Exit.usage) }
                let script = ClaimHook.script(thrum: ClaimHook.executablePath(), project: project)
                do {
                    let replaced = try repository.installPreCommitHook(script: script, marker: ClaimHook.marker)
                    print("\(replaced ? "updated" : "installed") \(try repository.preCommitHookPath())")
                } catch {
                    throw fail("\(error)")
                }
            }
        }
    }
}

/// The pre-commit hook `thrum claim hook install` writes.
enum ClaimHook {
    static let marker = "# thrum claim hook"

    static func script(thrum: String, project: String?) -> String {
        let projectArgument = project.map { " --project " + quoted($0) } ?? ""
        return """
            #!/bin/sh
            \(marker): refuses a commit that touches a path another agent has claimed.
            # Written by `thrum claim hook install`, which replaces only this hook; see thrum(1).
            # Exit 69 (the daemon is not running) lets the commit through with a warning.
            \(quoted(thrum)) claim check --staged\(projectArgument)
            status=$?
            if [ "$status" -eq 69 ]; then
                echo "thrum: the daemon did not answer; claims were not checked" >&2
                exit 0
            fi
            exit "$status"

            """
    }

    /// This binary's own path, so the hook runs the thrum that installed it.
    static func executablePath() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return "thrum" }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func quoted(_ text: String) -> String {
        "'" + text.replacing("'", with: "'\\''") + "'"
    }
}

enum ClaimText {
    /// `--ttl`'s value in whole seconds, or a usage error.
    static func ttlSeconds(_ text: String) throws -> Int {
        guard let seconds = DurationText.parse(text), seconds >= 1 else {
            throw ValidationError("--ttl \"\(text)\" is not a duration such as 30m, 2h or 1d")
        }
        return Int(seconds.rounded(.up))
    }

    static func print(_ c: ClaimRecord) {
        var marks: [String] = []
        if c.shared { marks.append("shared") }
        if let confirmed = c.confirmed { marks.append(confirmed ? "confirmed" : "not yet confirmed") }
        let until = ["held", "contested"].contains(c.state) ? "  until \(c.expiresAt)" : ""
        Swift.print("\(c.claimID)  \(c.state.uppercased())  \(c.display)  \(c.patterns.joined(separator: " "))\(until)"
                    + (marks.isEmpty ? "" : "  [\(marks.joined(separator: ", "))]"))
        if let note = c.note { Swift.print("  note: \(note)") }
        for rival in c.contestedWith {
            Swift.print("  contested with \(rival.agent)\(rival.host.map { " on \($0)" } ?? "") (\(rival.claimID)): "
                        + "both claimed at once and neither daemon had seen the other; both hold it until one releases")
        }
        if let by = c.overruledBy { Swift.print("  overruled: written after its daemon had seen \(by); it has no effect") }
        if c.confirmed == false, let words = c.confirmation {
            Swift.print("  held, not yet confirmed: \(words); a partitioned peer may not know of it yet")
        }
    }
}

/// Options whose value may be left out (`--wait-confirmed[=TIMEOUT]`), which ArgumentParser does
/// not have: `--wait-confirmed=2m` becomes `--wait-confirmed --confirm-timeout 2m`.
enum OptionalValues {
    static func expand(_ arguments: [String]) -> [String] {
        arguments.flatMap { argument -> [String] in
            let prefix = "--wait-confirmed="
            guard argument.hasPrefix(prefix) else { return [argument] }
            return ["--wait-confirmed", "--confirm-timeout", String(argument.dropFirst(prefix.count))]
        }
    }
}

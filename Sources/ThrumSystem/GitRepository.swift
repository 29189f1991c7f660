#if canImport(Glibc)
import Glibc
#endif

/// Something git could not do for Thrum, said so a person can act on it.
public struct GitError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The git work tree that claims are made in: its project name, what is staged in it, and its
/// pre-commit hook. Runs `git` (found on PATH) and blocks until it ends, so it is for the
/// synchronous CLI, never for an async context.
///
/// git runs with this process's environment (plus LC_ALL=C), so inside a git hook it sees the
/// index and repository that git exported for the hook.
public struct GitRepository: Sendable {
    /// The repository's top folder (absolute).
    public let root: String
    /// Where the folder passed to `containing` is inside the repository, relative to `root`, with
    /// a trailing slash: "" at the top, "src/app/" below it (`git rev-parse --show-prefix`).
    public let prefix: String

    /// Finds the repository that contains `directory` (default: the current directory) by running
    /// `git rev-parse --show-toplevel`; throws GitError with a clear message when git is not installed
    /// or the directory is not inside a git work tree.
    public static func containing(_ directory: String? = nil) throws(GitError) -> GitRepository {
        let place = directory ?? currentDirectory() ?? "the current folder"
        let location = directory.map { ["-C", $0] } ?? []

        let topLevel = try runGit(location + ["rev-parse", "--show-toplevel"])
        guard topLevel.exitCode == 0 else {
            let said = topLevel.errorSummary()
            if said.contains("not a git repository") {
                throw GitError("\(place) is not inside a git repository (git: \(said))")
            }
            if said.contains("must be run in a work tree") {
                throw GitError("\(place) is not inside a git work tree: it is a .git folder or a bare repository (git: \(said))")
            }
            throw GitError("cannot find the git repository of \(place): \(failureDetail(topLevel))")
        }
        let root = withoutFinalNewline(topLevel.standardOutput)
        guard root.hasPrefix("/") else {
            throw GitError("\(place) is not inside a git work tree (git rev-parse --show-toplevel printed no folder)")
        }

        let prefixOutput = try runGit(location + ["rev-parse", "--show-prefix"])
        guard prefixOutput.exitCode == 0 else {
            throw GitError("cannot find where \(place) is in the repository \(root): \(failureDetail(prefixOutput))")
        }
        return GitRepository(root: root, prefix: withoutFinalNewline(prefixOutput.standardOutput))
    }

    /// The project name derived from the remote: `remote.origin.url`, else the first remote in
    /// `git remote` order (alphabetical) that has a URL; throws GitError saying
    /// "no git remote: pass --project NAME" when there is none.
    ///
    /// The URL is the one configured, not rewritten by `url.<base>.insteadOf`: that rewriting is
    /// set up per machine, and the name must be the same on every machine.
    public func projectFromRemote() throws(GitError) -> String {
        var chosen: (remote: String, url: String)?
        if let url = try firstURL(ofRemote: "origin") {
            chosen = ("origin", url)
        } else {
            let listed = try git(["remote"])
            let remotes = String(decoding: listed, as: UTF8.self).split(separator: "\n").map(String.init)
            for remote in remotes where !remote.isEmpty {
                if let url = try firstURL(ofRemote: remote) {
                    chosen = (remote, url)
                    break
                }
            }
        }
        guard let chosen else { throw GitError("no git remote: pass --project NAME") }
        let (remote, url) = chosen

        // A relative local path is read against the top folder and made absolute, so that two
        // repositories whose remotes are both "../app.git" do not share a project.
        var located = ProcessOutput.trimmed(Substring(url))
        if case .local(_) = Self.remoteKind(of: located), !located.hasPrefix("/") {
            located = root + "/" + located
        }
        guard let name = Self.projectName(fromRemoteURL: located) else {
            throw GitError("cannot make a project name from the URL \(url) of git remote \(remote): pass --project NAME")
        }
        return name
    }

    /// Repository-relative paths staged for commit (added, copied, modified, renamed — both old and
    /// new names of a rename — deleted, and changed in type), from
    /// `git diff --cached --name-only -z --no-renames`, NUL-separated so any file name works.
    /// Names that are not UTF-8 come back with U+FFFD in place of the bytes that are not.
    public func stagedPaths() throws(GitError) -> [String] {
        // --no-renames: a rename is listed as its deletion and its addition, so both names appear.
        let output = try git(["diff", "--cached", "--name-only", "-z", "--no-renames", "--no-ext-diff"])
        return output.split(separator: 0, omittingEmptySubsequences: true).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The path of the pre-commit hook, honoring core.hooksPath (`git rev-parse --git-path hooks/pre-commit`,
    /// made absolute against `root` when relative).
    public func preCommitHookPath() throws(GitError) -> String {
        let path = Self.withoutFinalNewline(try git(["rev-parse", "--git-path", "hooks/pre-commit"]))
        guard !path.isEmpty else { throw GitError("git rev-parse --git-path hooks/pre-commit printed nothing in \(root)") }
        return path.hasPrefix("/") ? path : root + "/" + path
    }

    /// Installs `script` as the pre-commit hook (mode 0755, written to a temporary file beside it and
    /// renamed). A hook already there is replaced only when it contains `marker` (it is ours);
    /// otherwise throws GitError naming the file and saying to remove or merge it by hand.
    /// Returns whether an existing hook of ours was replaced. `script` must contain `marker`,
    /// so that the next install recognizes it.
    @discardableResult
    public func installPreCommitHook(script: String, marker: String) throws(GitError) -> Bool {
        guard !marker.isEmpty, script.contains(marker) else {
            throw GitError("the pre-commit hook script does not contain its marker \"\(marker)\"; it would not be recognized later")
        }
        let path = try preCommitHookPath()

        var replaced = false
        var info = stat()
        if lstat(path, &info) == 0 {
            let existing: String?
            do {
                existing = try TextFile.read(path)
            } catch {
                throw GitError("a pre-commit hook is already at \(path) and cannot be read (\(error.reason)): remove it or merge it with Thrum's by hand")
            }
            guard let existing, existing.contains(marker) else {
                throw GitError("a pre-commit hook that is not Thrum's is already at \(path): remove it, or merge it with Thrum's by hand")
            }
            replaced = true
        } else if errno != ENOENT {
            throw GitError("cannot look at \(path): \(String(cString: strerror(errno)))")
        }

        let folder = Self.parentFolder(of: path)
        try Self.makeFolders(folder)
        try Self.writeExecutable(Array(script.utf8), to: path)
        return replaced
    }

    // MARK: - Remote URLs

    /// Normalizes a git remote URL to a project name that is the same for every way of writing the
    /// same remote: lowercased host, no scheme, no user@, no port, no trailing `.git` or `/`,
    /// scp-like `host:path` read as `host/path`; a local path or file:// URL becomes
    /// `local:/absolute/path`. Only the host is lowercased; the path keeps its case.
    /// Returns nil when there is no host or no path to name.
    ///
    ///     https://github.com/Acme/App.git   -> github.com/Acme/App
    ///     git@github.com:Acme/App.git       -> github.com/Acme/App
    ///     ssh://git@github.com:22/Acme/App  -> github.com/Acme/App
    ///     /srv/git/app.git, file:///srv/git/app.git -> local:/srv/git/app
    public static func projectName(fromRemoteURL url: String) -> String? {
        let text = ProcessOutput.trimmed(Substring(url))
        switch remoteKind(of: text) {
        case .unusable:
            return nil
        case let .local(path):
            return localName(path)
        case let .remote(host, path):
            return remoteName(host: host, path: path)
        }
    }

    enum RemoteKind {
        case unusable
        case local(path: Substring)
        case remote(host: Substring, path: Substring)
    }

    /// Splits a remote URL the way git reads it: `scheme://…`, else scp-like `[user@]host:path`
    /// when a colon comes before any slash, else a local path.
    static func remoteKind(of text: String) -> RemoteKind {
        guard !text.isEmpty else { return .unusable }

        if let separator = text.firstRange(of: "://") {
            let scheme = text[..<separator.lowerBound].lowercased()
            guard !scheme.isEmpty, scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }) else {
                return .unusable
            }
            let rest = text[separator.upperBound...]
            if scheme == "file" {
                // file:///path, or file://host/path (the host is this machine).
                guard let slash = rest.firstIndex(of: "/") else { return .unusable }
                return .local(path: rest[slash...])
            }
            let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
            let (host, portOrPath) = splitHostAndPort(rest[..<authorityEnd])
            var path = rest[authorityEnd...]
            if let end = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = path[..<end] }
            // ssh://host:path/to/repo (a colon not followed by a port) is host plus path.
            if let portOrPath, !portOrPath.isEmpty, !portOrPath.allSatisfy({ $0.isASCII && $0.isNumber }) {
                return .remote(host: host, path: Substring(String(portOrPath) + "/" + String(path)))
            }
            return .remote(host: host, path: path)
        }

        if let colon = text.firstIndex(of: ":"), !text[..<colon].contains("/") {
            var hostPart = text[..<colon]
            if let at = hostPart.lastIndex(of: "@") { hostPart = hostPart[hostPart.index(after: at)...] }
            if hostPart.hasPrefix("["), hostPart.hasSuffix("]") {
                // [host:port]:path or [v6 address]:path.
                let inner = hostPart.dropFirst().dropLast()
                let parts = inner.split(separator: ":", omittingEmptySubsequences: false)
                if parts.count == 2, !parts[1].isEmpty, parts[1].allSatisfy({ $0.isASCII && $0.isNumber }) {
                    hostPart = parts[0]
                } else {
                    hostPart = inner
                }
            }
            return .remote(host: hostPart, path: text[text.index(after: colon)...])
        }

        return .local(path: text[...])
    }

    /// `[user[:password]@]host[:port]` to host and whatever follows its colon.
    private static func splitHostAndPort(_ authority: Substring) -> (host: Substring, afterColon: Substring?) {
        var hostPort = authority
        if let at = hostPort.lastIndex(of: "@") { hostPort = hostPort[hostPort.index(after: at)...] }
        if hostPort.hasPrefix("["), let close = hostPort.firstIndex(of: "]") {
            let host = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
            let after = hostPort[hostPort.index(after: close)...]
            return (host, after.hasPrefix(":") ? after.dropFirst() : nil)
        }
        if let colon = hostPort.firstIndex(of: ":") {
            return (hostPort[..<colon], hostPort[hostPort.index(after: colon)...])
        }
        return (hostPort, nil)
    }

    private static func remoteName(host: Substring, path: Substring) -> String? {
        let host = host.lowercased()
        guard !host.isEmpty else { return nil }
        guard let components = withoutGitSuffix(path.split(separator: "/").map(String.init)) else { return nil }
        return host + "/" + components.joined(separator: "/")
    }

    private static func localName(_ path: Substring) -> String? {
        var components: [String] = []
        let absolute = path.hasPrefix("/")
        for component in path.split(separator: "/") {
            if component == "." { continue }
            if component == "..", absolute {
                _ = components.popLast()
                continue
            }
            components.append(String(component))
        }
        guard let components = withoutGitSuffix(components) else { return nil }
        return "local:" + (absolute ? "/" : "") + components.joined(separator: "/")
    }

    /// The path without a trailing `.git` on its last part; nil when nothing is left.
    private static func withoutGitSuffix(_ components: [String]) -> [String]? {
        var components = components
        if let last = components.last, last.hasSuffix(".git") {
            let stem = String(last.dropLast(4))
            if stem.isEmpty { components.removeLast() } else { components[components.count - 1] = stem }
        }
        return components.isEmpty ? nil : components
    }

    // MARK: - Running git

    /// The first URL of `remote` as configured (nil when it has none).
    private func firstURL(ofRemote remote: String) throws(GitError) -> String? {
        let arguments = ["-C", root, "config", "-z", "--get-all", "remote.\(remote).url"]
        let output = try Self.runGit(arguments)
        // git config exits 1 when the key is not set.
        if output.exitCode == 1 { return nil }
        guard output.exitCode == 0 else {
            throw GitError("git \(arguments.dropFirst(2).joined(separator: " ")) failed in \(root): \(Self.failureDetail(output))")
        }
        let first = output.standardOutput.split(separator: 0, omittingEmptySubsequences: true).first
        return first.map { String(decoding: $0, as: UTF8.self) }
    }

    /// Runs `git -C root arguments…` and returns its stdout; a non-zero exit is a GitError with
    /// what git said.
    private func git(_ arguments: [String]) throws(GitError) -> [UInt8] {
        let output = try Self.runGit(["-C", root] + arguments)
        guard output.exitCode == 0 else {
            throw GitError("git \(arguments.joined(separator: " ")) failed in \(root): \(Self.failureDetail(output))")
        }
        return output.standardOutput
    }

    /// Runs git with `arguments`, whatever its exit code; throws only when it cannot be run.
    private static func runGit(_ arguments: [String]) throws(GitError) -> ProcessOutput {
        guard let executable = ProcessOutput.executable(named: "git") else {
            throw GitError("git is not installed (no git command on PATH); install it (Debian: apt install git) or pass --project NAME")
        }
        do {
            return try ProcessOutput.run(executable, arguments: ["git"] + arguments, environment: ["LC_ALL": "C"])
        } catch {
            throw GitError(error.description)
        }
    }

    private static func failureDetail(_ output: ProcessOutput) -> String {
        let said = output.errorSummary()
        return said.isEmpty ? "exit status \(output.exitCode)" : said
    }

    /// git's one-line answers end in a newline; only that one is taken off (a path may end in spaces).
    private static func withoutFinalNewline(_ bytes: [UInt8]) -> String {
        var bytes = bytes[...]
        if bytes.last == UInt8(ascii: "\n") { bytes = bytes.dropLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func currentDirectory() -> String? {
        guard let buffer = getcwd(nil, 0) else { return nil }
        defer { free(buffer) }
        return String(cString: buffer)
    }

    // MARK: - Files

    private static func parentFolder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Creates `folder` and the folders above it that are missing (like mkdir -p).
    private static func makeFolders(_ folder: String) throws(GitError) {
        var info = stat()
        if stat(folder, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else { throw GitError("\(folder) is not a folder") }
            return
        }
        let parent = parentFolder(of: folder)
        if parent != folder { try makeFolders(parent) }
        if mkdir(folder, 0o755) != 0 && errno != EEXIST {
            throw GitError("cannot create the folder \(folder): \(String(cString: strerror(errno)))")
        }
    }

    /// Writes `bytes` to a new temporary file beside `path`, makes it 0755, and renames it over `path`.
    private static func writeExecutable(_ bytes: [UInt8], to path: String) throws(GitError) {
        var template = Array("\(path).thrum-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.map { mkstemp($0) } ?? -1 }
        guard fd >= 0 else {
            throw GitError("cannot create a temporary file beside \(path): \(String(cString: strerror(errno)))")
        }
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }

        var problem: String?
        if fchmod(fd, 0o755) != 0 {
            problem = "cannot make \(temporary) executable: \(String(cString: strerror(errno)))"
        } else if let code = FileDescriptorIO.writeAll(fd, bytes) {
            problem = "cannot write \(temporary): \(String(cString: strerror(code)))"
        } else if fsync(fd) != 0 {
            problem = "cannot write \(temporary) to disk: \(String(cString: strerror(errno)))"
        }
        if close(fd) != 0 && problem == nil {
            problem = "cannot write \(temporary): \(String(cString: strerror(errno)))"
        }
        if problem == nil && rename(temporary, path) != 0 {
            problem = "cannot put the hook in place at \(path): \(String(cString: strerror(errno)))"
        }
        if let problem {
            unlink(temporary)
            throw GitError(problem)
        }
    }
}

import Glibc
import Testing
import ThrumSystem
import ThrumTestSupport

/// A throwaway git repository at `<temporary folder>/repo`, set up by running git directly; the
/// folder around it is outside any repository.
private struct ScratchRepository {
    let folder: TemporaryFolder
    var root: String { folder.file("repo") }

    init() throws {
        folder = try TemporaryFolder()
        guard mkdir(folder.file("repo"), 0o755) == 0 else { throw TestFailure("cannot create \(folder.file("repo"))") }
        try git("init", "-q")
        try git("config", "user.email", "test@example.invalid")
        try git("config", "user.name", "Thrum Test")
    }

    /// Runs `git -C root arguments…` (stdin is /dev/null); throws with what git wrote when it fails.
    func git(_ arguments: String...) throws { try git(arguments) }

    func git(_ arguments: [String]) throws {
        let log = folder.file("git.log")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        try ChildDescriptors.closeInherited(in: &actions)

        let argv: [UnsafeMutablePointer<CChar>?] = (["git", "-C", root] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, "git", &actions, nil, argv, environ)
        guard spawned == 0 else { throw TestFailure("cannot run git: \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        guard status == 0 else {
            throw TestFailure("git \(arguments.joined(separator: " ")) failed (\(status)): \((try? TestFiles.read(log)) ?? "")")
        }
    }

    /// Writes `text` to `relative` inside the repository, creating the folders on the way.
    func write(_ relative: String, _ text: String = "text\n") throws {
        var folderPath = root
        for part in relative.split(separator: "/").dropLast() {
            folderPath += "/\(part)"
            guard mkdir(folderPath, 0o755) == 0 || errno == EEXIST else { throw TestFailure("cannot create \(folderPath)") }
        }
        try TestFiles.write(root + "/" + relative, text)
    }
}

private func realPath(_ path: String) -> String {
    guard let resolved = realpath(path, nil) else { return path }
    defer { free(resolved) }
    return String(cString: resolved)
}

@Suite("git repository")
struct GitRepositoryTests {
    // MARK: containing

    @Test("containing() from a subfolder finds the top folder and the subfolder's prefix")
    func containingFromSubfolder() throws {
        let scratch = try ScratchRepository()
        try scratch.write("src/deep/file.txt")
        let repository = try GitRepository.containing(scratch.root + "/src/deep")
        #expect(repository.root == realPath(scratch.root))
        #expect(repository.prefix == "src/deep/")
        #expect(try GitRepository.containing(scratch.root).prefix == "")
    }

    @Test("containing() outside a repository says the folder is not in one")
    func containingOutsideRepository() throws {
        let folder = try TemporaryFolder()
        let outside = folder.file("outside")
        #expect(mkdir(outside, 0o755) == 0)
        let error = #expect(throws: GitError.self) { try GitRepository.containing(outside) }
        #expect(error?.description.hasPrefix("\(outside) is not inside a git repository") == true)

        let missing = folder.file("missing")
        let missingError = #expect(throws: GitError.self) { try GitRepository.containing(missing) }
        #expect(missingError?.description.contains(missing) == true)
    }

    // MARK: projectFromRemote

    @Test("the project comes from origin when there is one")
    func projectFromOrigin() throws {
        let scratch = try ScratchRepository()
        try scratch.git("remote", "add", "another", "https://example.org/Other/Thing.git")
        // Rewritten by the machine's url.<base>.insteadOf, if any: the configured URL counts.
        try scratch.git("remote", "add", "origin", "git@GitHub.com:Acme/App.git")
        #expect(try GitRepository.containing(scratch.root).projectFromRemote() == "github.com/Acme/App")
    }

    @Test("without origin, the project comes from the first remote git lists")
    func projectFromAnotherRemote() throws {
        let scratch = try ScratchRepository()
        try scratch.git("remote", "add", "upstream", "ssh://git@git.example.org:2222/Team/Tool.git/")
        try scratch.git("remote", "add", "zeta", "https://example.org/Other/Thing.git")
        #expect(try GitRepository.containing(scratch.root).projectFromRemote() == "git.example.org/Team/Tool")
    }

    @Test("a relative local remote is named by its absolute path")
    func projectFromRelativeLocalRemote() throws {
        let scratch = try ScratchRepository()
        try scratch.git("remote", "add", "origin", "../shared/app.git")
        let expected = "local:" + realPath(scratch.folder.path) + "/shared/app"
        #expect(try GitRepository.containing(scratch.root).projectFromRemote() == expected)
    }

    @Test("without any remote, the error says to pass --project")
    func projectWithoutRemote() throws {
        let scratch = try ScratchRepository()
        let repository = try GitRepository.containing(scratch.root)
        let error = #expect(throws: GitError.self) { try repository.projectFromRemote() }
        #expect(error?.description == "no git remote: pass --project NAME")
    }

    // MARK: projectName(fromRemoteURL:)

    @Test("remote URLs normalize to one project name", arguments: [
        ("https://github.com/Acme/App.git", "github.com/Acme/App"),
        ("git@github.com:Acme/App.git", "github.com/Acme/App"),
        ("ssh://git@github.com:22/Acme/App", "github.com/Acme/App"),
        ("ssh://git@github.com/Acme/App.git", "github.com/Acme/App"),
        ("git://github.com/Acme/App", "github.com/Acme/App"),
        ("https://github.com/Acme/App/", "github.com/Acme/App"),
        ("https://github.com/Acme/App.git/", "github.com/Acme/App"),
        ("HTTPS://GitHub.COM/Acme/App", "github.com/Acme/App"),
        ("https://github.com:443/Acme/App.git", "github.com/Acme/App"),
        ("https://user:secret@github.com/Acme/App.git", "github.com/Acme/App"),
        ("git@github.com:/Acme/App.git", "github.com/Acme/App"),
        ("github.com:Acme/App", "github.com/Acme/App"),
        ("  https://github.com/Acme/App.git\n", "github.com/Acme/App"),
        ("ssh://git@[2001:db8::1]:22/srv/app.git", "2001:db8::1/srv/app"),
        ("https://gitlab.example.com/Group/Sub/Project.git", "gitlab.example.com/Group/Sub/Project"),
        ("/srv/git/app.git", "local:/srv/git/app"),
        ("file:///srv/git/app.git", "local:/srv/git/app"),
        ("file://localhost/srv/git/app.git", "local:/srv/git/app"),
        ("/srv/git//App.git/", "local:/srv/git/App"),
        ("/srv/git/sub/../app", "local:/srv/git/app"),
    ])
    func projectNames(url: String, expected: String) {
        #expect(GitRepository.projectName(fromRemoteURL: url) == expected)
    }

    @Test("URLs with nothing to name give nil", arguments: ["", "   ", "https://", "https://github.com/", "git@github.com:", "/"])
    func unusableURLs(url: String) {
        #expect(GitRepository.projectName(fromRemoteURL: url) == nil)
    }

    // MARK: stagedPaths

    @Test("staged paths list additions, changes, deletions and both names of a rename")
    func stagedPathsOfEveryKind() throws {
        let scratch = try ScratchRepository()
        try scratch.write("changed.txt")
        try scratch.write("old name.txt", "moved\n")
        try scratch.write("gone.txt")
        try scratch.write("unstaged.txt")
        try scratch.git("add", "-A")
        try scratch.git("commit", "-q", "-m", "first")

        let odd = "dir/with space\nand newline.txt"
        try scratch.write("changed.txt", "changed\n")
        try scratch.write(odd)
        try scratch.git("add", "changed.txt", odd)
        try scratch.git("rm", "-q", "gone.txt")
        try scratch.git("mv", "old name.txt", "new name.txt")
        try scratch.write("unstaged.txt", "not added\n")

        let staged = try GitRepository.containing(scratch.root).stagedPaths()
        #expect(staged.sorted() == ["changed.txt", odd, "gone.txt", "new name.txt", "old name.txt"].sorted())
    }

    @Test("5,000 staged files, before the first commit, all come back")
    func manyStagedPaths() throws {
        let scratch = try ScratchRepository()
        let count = 5_000
        // Staged straight into the index (all as the empty blob), so that no time goes to making
        // 5,000 files; the listing is some 300 KB, several times a pipe's buffer.
        try scratch.git("hash-object", "-w", "--stdin")
        let emptyBlob = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"
        let entries = (0..<count).map { "100644,\(emptyBlob),folder-\($0 % 10)/a-rather-long-file-name-for-a-big-listing-\($0).txt" }
        try scratch.git(["update-index", "--add"] + entries.flatMap { ["--cacheinfo", $0] })
        let staged = try GitRepository.containing(scratch.root).stagedPaths()
        #expect(staged.count == count)
        #expect(Set(staged).count == count)
        #expect(staged.contains("folder-7/a-rather-long-file-name-for-a-big-listing-4567.txt"))
    }

    // MARK: pre-commit hook

    @Test("the hook path is in .git/hooks, or in core.hooksPath when set")
    func preCommitHookPaths() throws {
        let scratch = try ScratchRepository()
        let repository = try GitRepository.containing(scratch.root)
        #expect(try repository.preCommitHookPath() == repository.root + "/.git/hooks/pre-commit")

        try scratch.git("config", "core.hooksPath", "tools/hooks")
        #expect(try repository.preCommitHookPath() == repository.root + "/tools/hooks/pre-commit")

        let elsewhere = scratch.folder.file("shared-hooks")
        try scratch.git("config", "core.hooksPath", elsewhere)
        #expect(try repository.preCommitHookPath() == elsewhere + "/pre-commit")
    }

    @Test("installing the hook writes an executable that git runs, and replaces its own")
    func installAndReplaceHook() throws {
        let scratch = try ScratchRepository()
        // A hooks folder that does not exist yet is created.
        try scratch.git("config", "core.hooksPath", "tools/hooks")
        let repository = try GitRepository.containing(scratch.root)
        let hook = try repository.preCommitHookPath()
        let marker = "# thrum pre-commit guard"

        let first = "#!/bin/sh\n\(marker)\necho refused by the hook >&2\nexit 1\n"
        #expect(try repository.installPreCommitHook(script: first, marker: marker) == false)
        #expect(try TestFiles.read(hook) == first)
        #expect(TestFiles.mode(hook) == 0o755)

        try scratch.write("file.txt")
        try scratch.git("add", "file.txt")
        #expect(throws: TestFailure.self) { try scratch.git("commit", "-q", "-m", "blocked") }

        let second = "#!/bin/sh\n\(marker) v2\nexit 0\n"
        #expect(try repository.installPreCommitHook(script: second, marker: marker) == true)
        #expect(try TestFiles.read(hook) == second)
        #expect(TestFiles.mode(hook) == 0o755)
        try scratch.git("commit", "-q", "-m", "allowed")

        let leftovers = try TestFiles.folderNames(repository.root + "/tools/hooks")
        #expect(leftovers == ["pre-commit"])
    }

    @Test("a hook that is not ours is refused and left as it was")
    func foreignHookIsKept() throws {
        let scratch = try ScratchRepository()
        let repository = try GitRepository.containing(scratch.root)
        let hook = try repository.preCommitHookPath()
        let theirs = "#!/bin/sh\necho their own checks\n"
        try TestFiles.write(hook, theirs, mode: 0o700)

        let error = #expect(throws: GitError.self) {
            try repository.installPreCommitHook(script: "#!/bin/sh\n# thrum\n", marker: "# thrum")
        }
        #expect(error?.description.contains(hook) == true)
        #expect(error?.description.contains("by hand") == true)
        #expect(try TestFiles.read(hook) == theirs)
        #expect(TestFiles.mode(hook) == 0o700)
    }
}

private extension TestFiles {
    /// The names in `folder`, sorted, without "." and "..".
    static func folderNames(_ folder: String) throws -> [String] {
        guard let stream = opendir(folder) else { throw TestFailure("cannot list \(folder)") }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }
}

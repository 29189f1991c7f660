import Glibc

/// The daemon's Ed25519 identity on disk (DESIGN §7): PEM PKCS#8, mode 0600,
/// readable by `openssl pkey`. A key is never overwritten: losing it would
/// give this daemon a new identity in every peer's eyes.
public enum IdentityKeyFile {
    /// Larger than any PEM Ed25519 key could be; bounds what we read from a wrong file.
    static let maximumFileSize = 16 * 1024
    static let pemLabel = "PRIVATE KEY"

    /// The key at `path`, or a new one written there if the file does not exist.
    /// `created` says which, so the caller can log a new identity.
    public static func loadOrCreate(path: String) throws(IdentityKeyError) -> (keyPair: Ed25519KeyPair, created: Bool) {
        do {
            return (try load(path: path), false)
        } catch .systemCall(_, _, ENOENT) {
            let keyPair = Ed25519KeyPair.generate()
            do {
                try write(keyPair, to: path)
                return (keyPair, true)
            } catch .alreadyExists {
                // Another process created it between our open and our link: use theirs.
                return (try load(path: path), false)
            }
        }
    }

    /// The key at `path`. Refuses a file group or others may read, and says
    /// what is wrong with a file that is not an Ed25519 PKCS#8 PEM key.
    public static func load(path: String) throws(IdentityKeyError) -> Ed25519KeyPair {
        let bytes = try readPrivateFile(path: path)
        let text = String(decoding: bytes, as: UTF8.self)
        do throws(KeyFormatError) {
            let (seed, embeddedPublicKey) = try PKCS8Ed25519.decode(try PEM.decode(label: pemLabel, text: text))
            let keyPair: Ed25519KeyPair
            do {
                keyPair = try Ed25519KeyPair(seed: seed)
            } catch {
                throw KeyFormatError("libsodium could not derive a key pair from it (\(error))")
            }
            if let embeddedPublicKey, embeddedPublicKey != keyPair.publicKey {
                throw KeyFormatError("its embedded public key does not belong to its private key")
            }
            return keyPair
        } catch {
            throw .malformed(path: path, reason: error.reason)
        }
    }

    /// Writes `keyPair` to `path` without ever exposing it to other users and
    /// without replacing an existing file: the key goes to a 0600 temporary
    /// file first, is flushed, then linked into place (link fails if the name
    /// exists, where rename would overwrite), and the folder is flushed too.
    /// Missing folders are created with mode 0700.
    public static func write(_ keyPair: Ed25519KeyPair, to path: String) throws(IdentityKeyError) {
        let folder = parentFolder(of: path)
        try createFolders(folder, forKeyAt: path)

        let pem = PEM.encode(label: pemLabel, der: PKCS8Ed25519.encode(seed: keyPair.seed))
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try writeNewFile(temporary, contents: Array(pem.utf8), reportingAs: path)
        defer { unlink(temporary) }

        if link(temporary, path) != 0 {
            let code = errno
            if code == EEXIST { throw .alreadyExists(path: path) }
            throw .systemCall(path: path, action: "create", errno: code)
        }
        try syncFolder(folder, reportingAs: path)
    }

    // MARK: - Files

    private static func readPrivateFile(path: String) throws(IdentityKeyError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { throw .systemCall(path: path, action: "open", errno: errno) }
        defer { close(fd) }

        // Checked on the open descriptor, so the file cannot change between check and read.
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .systemCall(path: path, action: "inspect", errno: errno) }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw .malformed(path: path, reason: "it is not a regular file")
        }
        guard info.st_mode & 0o077 == 0 else {
            throw .readableByOthers(path: path, mode: info.st_mode & 0o7777)
        }

        switch FileDescriptorIO.readAll(fd, limit: maximumFileSize) {
        case let .bytes(contents): return contents
        case let .failed(code): throw .systemCall(path: path, action: "read", errno: code)
        case .tooLarge:
            throw .malformed(path: path, reason: "it is larger than \(maximumFileSize) bytes, far too large for an Ed25519 key")
        }
    }

    /// Creates `path` exclusively with mode 0600, writes `contents` and flushes it.
    private static func writeNewFile(_ path: String, contents: [UInt8], reportingAs keyPath: String) throws(IdentityKeyError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw .systemCall(path: keyPath, action: "create", errno: errno) }
        defer { close(fd) }
        if let code = FileDescriptorIO.writeAll(fd, contents) {
            unlink(path)
            throw .systemCall(path: keyPath, action: "write", errno: code)
        }
        guard fsync(fd) == 0 else {
            let code = errno
            unlink(path)
            throw .systemCall(path: keyPath, action: "flush", errno: code)
        }
    }

    /// Makes `folder` and any missing ancestors, each 0700: the state folder holds secrets.
    private static func createFolders(_ folder: String, forKeyAt keyPath: String) throws(IdentityKeyError) {
        var prefix = folder.hasPrefix("/") ? "/" : ""
        for component in folder.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o700) != 0, errno != EEXIST {
                throw .systemCall(path: keyPath, action: "create the folder \(prefix) for the", errno: errno)
            }
            prefix += "/"
        }
    }

    /// Flushes the folder entry so the new name survives a crash.
    private static func syncFolder(_ folder: String, reportingAs keyPath: String) throws(IdentityKeyError) {
        let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .systemCall(path: keyPath, action: "open the folder of the", errno: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw .systemCall(path: keyPath, action: "flush the folder of the", errno: errno) }
    }

    static func parentFolder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let folder = path[..<slash]
        return folder.isEmpty ? "/" : String(folder)
    }
}

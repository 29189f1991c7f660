import FoundationEssentials
import Glibc

/// A fresh directory under /tmp for one test's database files, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array("/tmp/thrum-store-tests-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else {
            throw TemporaryDirectoryError(errno: errno)
        }
        path = String(cString: created)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

struct TemporaryDirectoryError: Error, CustomStringConvertible {
    let errno: Int32
    var description: String { "could not create a temporary directory under /tmp (errno \(errno))" }
}

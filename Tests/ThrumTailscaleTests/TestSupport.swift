import FoundationEssentials
import Glibc

/// Paths of the shared test support files (Tests/support), found from this file's location.
enum TestSupport {
    static let directory: String = {
        var components = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        components.removeLast(2)  // ThrumTailscaleTests/TestSupport.swift
        return components.joined(separator: "/") + "/support"
    }()

    static let fakeTailscaled = directory + "/fake-tailscaled.py"

    static func localAPISample(_ name: String) throws -> Data {
        try Data(contentsOf: URL(filePath: directory + "/localapi/" + name))
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    let description: String
}

/// A fresh directory under /tmp: unix socket paths must stay under 108 bytes.
func makeTemporaryDirectory() throws -> String {
    var template = Array("/tmp/thrum-ts-XXXXXX".utf8CString)
    guard let created = mkdtemp(&template) else {
        throw TestSetupError(description: "mkdtemp failed: errno \(errno)")
    }
    return String(cString: created)
}

func removeDirectory(_ path: String) {
    guard let entries = opendir(path) else { return }
    while let entry = readdir(entries) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        if name != "." && name != ".." { unlink(path + "/" + name) }
    }
    closedir(entries)
    rmdir(path)
}

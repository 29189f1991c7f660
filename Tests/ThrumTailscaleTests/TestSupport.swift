import FoundationEssentials
import Glibc
import ThrumTestSupport

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

/// A fresh directory under /tmp: unix socket paths must stay under 108 bytes.
func makeTemporaryDirectory() throws -> String {
    let path = TestFiles.temporaryDirectory("thrum-ts")
    guard TestFiles.exists(path) else { throw TestFailure("cannot create \(path)") }
    return path
}

func removeDirectory(_ path: String) {
    TestFiles.remove(path)
}

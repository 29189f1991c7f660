#if canImport(Glibc)
import Glibc
#endif

/// Keeps a child that a test starts from inheriting the test process's descriptors.
///
/// Tests run in parallel in one process, and SwiftNIO opens its sockets without
/// close-on-exec. A child spawned while another test's server holds connections
/// would hold them too, so that server's close would not end them: a client waiting
/// for end of stream would wait for the child instead (seen as a 10 s read timeout).
public enum ChildDescriptors {
    /// Adds, as the last action, closing every descriptor from 3 up in the child, so
    /// descriptors opened by other threads up to the spawn itself are not inherited.
    /// Put it after the actions that set up 0, 1 and 2.
    public static func closeInherited(in actions: inout posix_spawn_file_actions_t) throws {
        guard let addCloseFrom = Self.addCloseFrom else {
            throw TestFailure("posix_spawn_file_actions_addclosefrom_np is missing: glibc 2.34 or later is needed")
        }
        let result = addCloseFrom(&actions, 3)
        guard result == 0 else { throw TestFailure("cannot add a closefrom action: \(String(cString: strerror(result)))") }
    }

    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// glibc has it since 2.34, but its header declares it only for _GNU_SOURCE, which the
    /// Swift Glibc module is not built with; so it is looked up by name.
    private static let addCloseFrom: AddCloseFrom? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else {
            return nil
        }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }()
}

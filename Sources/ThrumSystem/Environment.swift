#if canImport(Glibc)
import Glibc
#endif

public enum ProcessEnvironment {
    /// The process environment as a dictionary (first value wins for duplicates).
    public static func current() -> [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let eq = text.firstIndex(of: "=") {
                let key = String(text[..<eq])
                if result[key] == nil { result[key] = String(text[text.index(after: eq)...]) }
            }
            pointer += 1
        }
        return result
    }
}

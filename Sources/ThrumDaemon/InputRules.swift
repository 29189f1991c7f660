import ThrumCore
import ThrumRPC

/// Checks on what a control-socket client sends, each with a message that says
/// what is wrong and what is allowed.
enum InputRules {
    static let maxNameLength = 64

    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.unicodeScalars.count <= maxNameLength else { return false }
        func allowed(_ c: Unicode.Scalar) -> Bool {
            c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "." || c == "_" || c == "-")
        }
        return first.isASCII && (first.properties.isAlphabetic || ("0"..."9").contains(first)) && name.unicodeScalars.allSatisfy(allowed)
    }

    static func name(_ name: String, kind: String) throws(RPCError) -> String {
        guard isValidName(name) else {
            throw .invalidParams("\(kind) name \"\(name.prefix(80))\" is not valid: use 1 to \(maxNameLength) letters, digits, '.', '_' or '-', starting with a letter or digit")
        }
        return name
    }

    static func text(_ text: String, limit: Int) throws(RPCError) -> String {
        guard !text.isEmpty else { throw .invalidParams("the message text is empty") }
        let size = text.utf8.count
        guard size <= limit else {
            throw .application("the message text is \(size) bytes, more than the limit of \(limit) bytes (THRUM_SECURITY_MAX_MESSAGE_SIZE); split it or send a file path instead")
        }
        return text
    }

    /// A short text beside a message (an acknowledgement's note): not empty, at most `limit` bytes.
    static func note(_ text: String, limit: Int) throws(RPCError) -> String {
        guard !text.isEmpty else { throw .invalidParams("the note is empty; leave --note out for none") }
        guard text.utf8.count <= limit else {
            throw .invalidParams("the note is \(text.utf8.count) bytes, more than the limit of \(limit) bytes; say more in a reply")
        }
        return text
    }

    static func identifier(_ id: String, prefix: String, kind: String) throws(RPCError) -> String {
        guard id.hasPrefix(prefix), id.count <= 64, id.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) else {
            throw .invalidParams("\"\(id.prefix(80))\" is not a \(kind) ID (they look like \(prefix)01J…)")
        }
        return id
    }
}

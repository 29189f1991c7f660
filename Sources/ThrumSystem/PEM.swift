import FoundationEssentials

/// PEM armour (RFC 7468): base64 of DER between BEGIN/END lines.
enum PEM {
    static func encode(label: String, der: [UInt8]) -> String {
        let body = Data(der).base64EncodedString()
        var text = "-----BEGIN \(label)-----\n"
        var rest = Substring(body)
        while !rest.isEmpty {
            text += rest.prefix(64) + "\n"
            rest = rest.dropFirst(64)
        }
        return text + "-----END \(label)-----\n"
    }

    /// The DER bytes of the first `label` block in `text`.
    static func decode(label: String, text: String) throws(KeyFormatError) -> [UInt8] {
        let begin = "-----BEGIN \(label)-----"
        let end = "-----END \(label)-----"
        guard let beginRange = text.firstRange(of: begin) else {
            throw KeyFormatError(describeMissingBlock(text: text, begin: begin))
        }
        guard let endRange = text[beginRange.upperBound...].firstRange(of: end) else {
            throw KeyFormatError("it has no '\(end)' line (is the file truncated?)")
        }
        let body = text[beginRange.upperBound..<endRange.lowerBound].filter { !$0.isWhitespace }
        guard !body.isEmpty else { throw KeyFormatError("it has nothing between its BEGIN and END lines") }
        guard let der = Data(base64Encoded: String(body)) else {
            throw KeyFormatError("the text between its BEGIN and END lines is not valid base64")
        }
        return Array(der)
    }

    /// Names the likely mix-ups, so the person knows which conversion they need.
    private static func describeMissingBlock(text: String, begin: String) -> String {
        if text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") {
            return "it is a password-protected key; Thrum needs an unencrypted PKCS#8 key"
        }
        if text.contains("-----BEGIN OPENSSH PRIVATE KEY-----") {
            return "it is an OpenSSH key; Thrum needs a PKCS#8 PEM key ('\(begin)')"
        }
        if text.allSatisfy(\.isWhitespace) {
            return "it is empty"
        }
        return "it has no '\(begin)' line"
    }
}

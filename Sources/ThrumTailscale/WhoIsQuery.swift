/// Builds the request target of a whois call.
enum WhoIsQuery {
    /// `/localapi/v0/whois?addr=…` with the address percent-encoded.
    static func target(address: String) -> String {
        "/localapi/v0/whois?addr=" + percentEncoded(address)
    }

    /// `IP:PORT`, with an IPv6 address in brackets as Go's `netip.ParseAddrPort` expects.
    static func address(ip: String, port: Int) -> String {
        ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)"
    }

    /// Encodes every byte outside RFC 3986's unreserved set, so brackets, colons and
    /// IPv6 zone markers (`%`) survive the query string intact.
    static func percentEncoded(_ value: String) -> String {
        var encoded = ""
        for byte in value.utf8 {
            if isUnreserved(byte) {
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                encoded += "%" + hexDigit(byte >> 4) + hexDigit(byte & 0x0F)
            }
        }
        return encoded
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    private static func hexDigit(_ nibble: UInt8) -> String {
        String(nibble, radix: 16, uppercase: true)
    }
}

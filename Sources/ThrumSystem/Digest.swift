import CSodium

public enum SHA256 {
    public static func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        _ = Sodium.ready
        var out = [UInt8](repeating: 0, count: Int(crypto_hash_sha256_BYTES))
        let input = Array(bytes)
        crypto_hash_sha256(&out, input, UInt64(input.count))
        return out
    }
}

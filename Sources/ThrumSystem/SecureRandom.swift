import CSodium

/// Unpredictable bytes from libsodium (the kernel's getrandom), for challenges and keys.
public enum SecureRandom {
    public static func bytes(_ count: Int) -> [UInt8] {
        precondition(Sodium.ready, "libsodium failed to initialise")
        var bytes = [UInt8](repeating: 0, count: count)
        randombytes_buf(&bytes, count)
        return bytes
    }
}

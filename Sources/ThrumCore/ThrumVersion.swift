/// The version every binary reports.
public enum ThrumVersion {
    public static let current = "0.1.0"
}

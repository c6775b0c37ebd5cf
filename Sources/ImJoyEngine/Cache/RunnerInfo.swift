/// The runner's identity, recorded in provenance and part of every built-in op's cache key.
public enum RunnerInfo {
    public static let name = "imjoy-run"
    public static let version = "0.1.0"
    /// Bumped whenever the cache's key recipe or entry layout changes (invalidates every entry).
    /// 2: entries carry SHA-256 digests; plugin keys include the runtime identity.
    public static let cacheFormatVersion = 2
}

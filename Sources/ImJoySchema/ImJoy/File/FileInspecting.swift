/// Looks files up for the `file` keyword; ``DiskFileInspector`` reads the real file system, tests
/// and the fuzzer substitute their own.
public protocol FileInspecting: Sendable {
    /// Facts about the file at the absolute `path`, or `nil` when nothing exists there.
    /// `needsSize` is `false` when the schema checks no size (so directories need not be summed).
    func inspect(path: String, needsSize: Bool) -> FileFacts?
}

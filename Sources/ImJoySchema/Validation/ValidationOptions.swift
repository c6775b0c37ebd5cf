import Foundation

/// Settings for one validation run.
public struct ValidationOptions: Sendable {
    /// The most errors collected before validation stops (at least 1).
    public var maximumErrors: Int
    /// The directory that relative paths in `file` instances are resolved against
    /// (the current directory when `nil`).
    public var baseDirectory: URL?
    /// The deepest nesting of subschema evaluations; deeper (e.g. a `$ref` cycle that never
    /// consumes the instance) fails with an error instead of overflowing the stack.
    public var maximumDepth: Int
    /// How `file` instances are looked up (the real file system by default).
    public var fileInspector: any FileInspecting

    public init(
        maximumErrors: Int = 100, baseDirectory: URL? = nil, maximumDepth: Int = 600,
        fileInspector: any FileInspecting = DiskFileInspector()
    ) {
        self.maximumErrors = max(1, maximumErrors)
        self.baseDirectory = baseDirectory
        self.maximumDepth = max(1, maximumDepth)
        self.fileInspector = fileInspector
    }

    /// 100 errors, relative paths against the current directory.
    public static let `default` = ValidationOptions()
}

/// What the `file` keyword needs to know about a file: its size and its MIME type.
public struct FileFacts: Sendable, Equatable {
    /// Whether the path is a directory (a Zarr store, for example).
    public var isDirectory: Bool
    /// The size in bytes (for a directory, the total of the regular files in it).
    public var size: Int64
    /// The MIME type (`""` when unknown, as a browser's `File.type`).
    public var mime: String

    public init(isDirectory: Bool, size: Int64, mime: String) {
        self.isDirectory = isDirectory
        self.size = size
        self.mime = mime
    }
}

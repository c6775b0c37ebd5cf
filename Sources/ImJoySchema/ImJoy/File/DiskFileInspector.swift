/// The real file system: the MIME type comes from magic bytes (TIFF, HDF5, PNG, JPEG, ZIP),
/// Zarr directories (`.zarray`, `.zgroup`, `zarr.json`), else the extension.
public struct DiskFileInspector: FileInspecting {
    /// The most directory entries summed for a directory's size.
    public static let maximumDirectoryEntries = 100_000

    public init() {}

    public func inspect(path: String, needsSize: Bool) -> FileFacts? {
        FileTypeDetector.facts(atPath: path, needsSize: needsSize)
    }
}

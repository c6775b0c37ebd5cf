import Foundation

/// Derives MIME types from file contents and names.
enum FileTypeDetector {
    /// Facts about the file at `path`, or `nil` when nothing exists there.
    static func facts(atPath requestedPath: String, needsSize: Bool) -> FileFacts? {
        let path = URL(fileURLWithPath: requestedPath).resolvingSymlinksInPath().path
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        let type = attributes[.type] as? FileAttributeType
        if type == .typeDirectory {
            let mime = isZarrDirectory(path) ? "application/x-zarr" : "inode/directory"
            return FileFacts(isDirectory: true, size: needsSize ? directorySize(path) : 0, mime: mime)
        }
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        // Only regular files are opened: reading a FIFO or a device could block.
        let magic = type == .typeRegular ? mimeFromMagic(prefix(ofFileAt: path)) : nil
        return FileFacts(isDirectory: false, size: size, mime: magic ?? mimeFromExtension(path) ?? "")
    }

    /// The MIME type the first bytes of a file announce, or `nil`.
    static func mimeFromMagic(_ bytes: [UInt8]) -> String? {
        func starts(_ magic: [UInt8]) -> Bool { bytes.count >= magic.count && bytes.starts(with: magic) }
        if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A])
            || starts([0x49, 0x49, 0x2B, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2B])
        {
            return "image/tiff"
        }
        if starts([0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]) { return "application/x-hdf5" }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if starts([0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0x50, 0x4B, 0x05, 0x06]) { return "application/zip" }
        return nil
    }

    /// The MIME type for a file name's extension, or `nil`.
    static func mimeFromExtension(_ name: String) -> String? {
        let lowered = name.lowercased()
        guard let dot = lowered.lastIndex(of: "."), !lowered[dot...].contains("/") else { return nil }
        return extensionTypes[String(lowered[lowered.index(after: dot)...])]
    }

    private static let extensionTypes: [String: String] = [
        "tif": "image/tiff", "tiff": "image/tiff", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg",
        "gif": "image/gif", "bmp": "image/bmp", "svg": "image/svg+xml", "webp": "image/webp",
        "h5": "application/x-hdf5", "hdf5": "application/x-hdf5", "hdf": "application/x-hdf5",
        "zip": "application/zip", "zarr": "application/x-zarr", "json": "application/json",
        "yaml": "application/x-yaml", "yml": "application/x-yaml", "csv": "text/csv", "tsv": "text/tab-separated-values",
        "txt": "text/plain", "md": "text/markdown", "html": "text/html", "npy": "application/octet-stream",
        "pdf": "application/pdf", "gz": "application/gzip", "tar": "application/x-tar",
    ]

    private static func prefix(ofFileAt path: String) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 8)).map { Array($0) } ?? []
    }

    private static func isZarrDirectory(_ path: String) -> Bool {
        [".zarray", ".zgroup", "zarr.json"].contains { name in
            FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent(name))
        }
    }

    private static func directorySize(_ path: String) -> Int64 {
        guard let enumerator = FileManager.default.enumerator(atPath: path) else { return 0 }
        var total: Int64 = 0
        var entries = 0
        while entries < DiskFileInspector.maximumDirectoryEntries, enumerator.nextObject() != nil {
            entries += 1
            if let attributes = enumerator.fileAttributes, attributes[.type] as? FileAttributeType == .typeRegular,
                let size = attributes[.size] as? NSNumber
            {
                total += size.int64Value
            }
        }
        return total
    }
}

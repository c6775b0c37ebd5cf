import Foundation
import ImageIO
import ImJoySchema

extension FileHashes {
    /// The hex SHA-256 of a directory store (an array format with ``ArrayFormatStorage/directory``
    /// storage, e.g. `NAME.zarr`) at `path`: of every regular file under it, by relative path in
    /// sorted order, each file hashed through ``sha256(_:persist:)`` (memoised by its stamp).
    /// `nil` when `path` is not a directory named like a store, or a file cannot be hashed.
    public func storeSHA256(_ path: String) -> String? {
        let ext = (path as NSString).pathExtension.lowercased()
        let storeExtensions = ArrayFormatRegistry.standard.formats.filter { $0.storage == .directory }.flatMap(\.fileExtensions)
        guard storeExtensions.contains(ext) else { return nil }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue,
              let enumerator = FileManager.default.enumerator(atPath: path) else { return nil }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            if enumerator.fileAttributes?[.type] as? FileAttributeType == .typeRegular { files.append(relative) }
        }
        var listing = ""
        for relative in files.sorted() {
            guard let hash = sha256(path + "/" + relative) else { return nil }
            listing += "\(relative)\t\(hash)\n"
        }
        return SHA256.hex(Data(listing.utf8))
    }
}

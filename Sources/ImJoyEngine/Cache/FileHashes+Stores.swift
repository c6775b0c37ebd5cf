import Foundation
import ImJoySchema
import ImageIO

extension FileHashes {
    /// The hex SHA-256 of a directory store (an array format with ``ArrayFormatStorage/directory``
    /// storage, e.g. `NAME.zarr`) or a folder inside one (`NAME.zarr/img_0`) at `path`: of every
    /// regular file under it, by relative path in sorted order, each file hashed through
    /// ``sha256(_:persist:)`` (memoised by its stamp). `nil` when `path` is not a directory in
    /// or named like a store, or a file cannot be hashed.
    public func storeSHA256(_ path: String) -> String? {
        storeFacts(path)?.sha256
    }

    /// ``storeSHA256(_:)`` and the total size of the store's files, for completion records.
    public func storeFacts(_ path: String) -> (sha256: String, size: Int)? {
        let storeExtensions = ArrayFormatRegistry.standard.formats.filter { $0.storage == .directory }.flatMap(\.fileExtensions)
        let components = path.split(separator: "/").map { ($0 as NSString).pathExtension.lowercased() }
        guard components.contains(where: storeExtensions.contains) else { return nil }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue,
            let enumerator = FileManager.default.enumerator(atPath: path)
        else { return nil }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            if enumerator.fileAttributes?[.type] as? FileAttributeType == .typeRegular { files.append(relative) }
        }
        var listing = ""
        var size = 0
        for relative in files.sorted() {
            var info = stat()
            guard let hash = sha256(path + "/" + relative, persist: false), stat(path + "/" + relative, &info) == 0 else { return nil }
            listing += "\(relative)\t\(hash)\n"
            size += Int(info.st_size)
        }
        return (SHA256.hex(Data(listing.utf8)), size)
    }
}

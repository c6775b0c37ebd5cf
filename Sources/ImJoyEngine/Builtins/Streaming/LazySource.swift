import Foundation
import ImJoySchema
import ImageIO

/// The file a ``LazyArray`` reads: a format, a path, the array inside it (an HDF5 dataset, a
/// Zarr image and level), and a fingerprint of the file(s) — size and modification time — so a
/// changed input changes the lazy value (and so the cache keys of the ops that consume it).
struct LazySource: Sendable, Equatable {
    var format: String
    var path: String
    var name: String?
    var level: Int
    var fingerprint: String

    /// A source for the file at `url` now.
    init(format: String, url: URL, name: String?, level: Int = 0) {
        self.format = format
        path = url.path
        self.name = name
        self.level = level
        fingerprint = Self.fingerprint(url.path)
    }

    init(format: String, path: String, name: String?, level: Int, fingerprint: String) {
        self.format = format
        self.path = path
        self.name = name
        self.level = level
        self.fingerprint = fingerprint
    }

    /// Opens the file lazily (only metadata is read).
    func open() throws -> any ArraySource {
        let url = URL(fileURLWithPath: path)
        if format == "zarr" {
            return try ZarrArraySource(image: ZarrFormat().imageURL(url, name: name), level: level)
        }
        guard let format = ArrayFormatRegistry.standard.format(named: format) else {
            throw KernelError("unknown array format '\(self.format)' in a lazy array")
        }
        return try format.source(url, name: name)
    }

    /// `files:bytes:latest-mtime-ns` of a file, or of every file below a directory store.
    static func fingerprint(_ path: String) -> String {
        var files = 0
        var bytes: Int64 = 0
        var latest: Int64 = 0
        func add(_ file: String) {
            var info = stat()
            guard stat(file, &info) == 0 else { return }
            files += 1
            bytes += Int64(info.st_size)
            latest = max(latest, Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec))
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            let enumerator = FileManager.default.enumerator(atPath: path)
            while let relative = enumerator?.nextObject() as? String { add(path + "/" + relative) }
        } else {
            add(path)
        }
        return "\(files):\(bytes):\(latest)"
    }

    var json: JSONValue {
        var object: JSONObject = ["format": .string(format), "path": .string(path), "level": .integer(Int64(level))]
        if let name { object["name"] = .string(name) }
        object["fingerprint"] = .string(fingerprint)
        return .object(object)
    }

    init?(json: JSONValue) {
        guard let format = json["format"]?.stringValue, let path = json["path"]?.stringValue,
            let fingerprint = json["fingerprint"]?.stringValue
        else { return nil }
        self.init(
            format: format, path: path, name: json["name"]?.stringValue, level: json["level"]?.intValue ?? 0, fingerprint: fingerprint)
    }
}

import Foundation

/// The cache's index: `index/<h0h1>/<sha256(workflow, op, item)>.json` holds the parts of the
/// last key used for that (workflow, op, item), to explain a rerun in one line. Entries are
/// hints: written without fsync, unreadable ones ignored.
struct CacheIndex: Sendable {
    let directory: URL
    let workflow: String

    struct Entry: Codable {
        var key: String
        var components: CacheKey
    }

    private func url(op: String, item: String) -> URL {
        let id = SHA256.hex(Data("\(workflow)\n\(op)\n\(item)".utf8))
        return directory.appendingPathComponent("index/\(id.prefix(2))/\(id).json")
    }

    /// Whether the index already records `key` for the call (a hit leaves it alone then). A
    /// substring test of the file: `JSONEncoder` writes `"key":"…"` with no space.
    func names(_ key: String, op: String, item: String) -> Bool {
        let fd = open(url(op: op, item: item).path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        // An index entry is well under 16 KiB; a longer one is rewritten, which is harmless.
        var buffer = [UInt8](repeating: 0, count: 16384)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return false }
        return buffer[..<count].firstRange(of: Array("\"key\":\"\(key)\"".utf8)) != nil
    }

    func entry(op: String, item: String) -> Entry? {
        guard let data = FileManager.default.contents(atPath: url(op: op, item: item).path) else { return nil }
        return try? JSONDecoder().decode(Entry.self, from: data)
    }

    func write(_ parts: CacheKey, op: String, item: String) {
        let entry = Entry(key: parts.key, components: parts)
        guard let data = try? JSONEncoder().encode(entry) else { return }
        try? CacheFiles.writeAtomicallyFast(data, to: url(op: op, item: item))
    }
}

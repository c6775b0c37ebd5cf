import Foundation

/// `imjoy-run cache prune`: removes the least recently used entries until the entries fit a
/// size bound. An entry is moved into `tmp/` before it is deleted, so a reader sees it whole or
/// not at all.
public enum CachePruner {
    public struct Report: Sendable {
        public var entries: Int
        public var bytesBefore: Int
        public var removed: Int
        public var bytesAfter: Int
    }

    private struct Entry {
        var url: URL
        var used: Date
        var size: Int
    }

    /// Removes the least recently used entries until the entries take at most `maxBytes`.
    public static func prune(directory: String, maxBytes: Int) throws -> Report {
        let root = URL(fileURLWithPath: directory)
        let fm = FileManager.default
        let entries = scan(root.appendingPathComponent("entries"))
        let before = entries.reduce(0) { $0 + $1.size }
        var total = before
        var removed = 0
        let tmp = root.appendingPathComponent("tmp")
        try fm.createDirectory(at: tmp, withIntermediateDirectories: true)
        removeLeftovers(in: tmp)
        for entry in entries.sorted(by: { ($0.used, $0.url.path) < ($1.used, $1.url.path) }) where total > maxBytes {
            let trash = tmp.appendingPathComponent("trash-\(UUID().uuidString)")
            guard rename(entry.url.path, trash.path) == 0 else { continue }
            try? fm.removeItem(at: trash)
            total -= entry.size
            removed += 1
        }
        return Report(entries: entries.count, bytesBefore: before, removed: removed, bytesAfter: total)
    }

    /// Every entry with its size and last use: its newest file (hits touch result.json,
    /// write-hdf5 its chunks).
    private static func scan(_ entriesRoot: URL) -> [Entry] {
        let fm = FileManager.default
        var entries: [Entry] = []
        for shard in (try? fm.contentsOfDirectory(at: entriesRoot, includingPropertiesForKeys: nil)) ?? [] {
            for entry in (try? fm.contentsOfDirectory(at: shard, includingPropertiesForKeys: nil)) ?? [] {
                var size = 0
                var used = Date.distantPast
                let keys: [URLResourceKey] = [.fileSizeKey, .contentModificationDateKey]
                for file in (try? fm.contentsOfDirectory(at: entry, includingPropertiesForKeys: keys)) ?? [] {
                    let values = try? file.resourceValues(forKeys: Set(keys))
                    size += values?.fileSize ?? 0
                    used = max(used, values?.contentModificationDate ?? .distantPast)
                }
                entries.append(Entry(url: entry, used: used, size: size))
            }
        }
        return entries
    }

    /// Leftovers of writers that died mid-entry (older than an hour: no live writer takes that long).
    private static func removeLeftovers(in tmp: URL) {
        let fm = FileManager.default
        for leftover in (try? fm.contentsOfDirectory(at: tmp, includingPropertiesForKeys: nil)) ?? [] {
            let modified = (try? fm.attributesOfItem(atPath: leftover.path)[.modificationDate] as? Date) ?? .distantPast
            if modified < Date(timeIntervalSinceNow: -3600) { try? fm.removeItem(at: leftover) }
        }
    }
}

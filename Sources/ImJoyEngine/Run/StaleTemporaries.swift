import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The temporary siblings a killed run left in its out dir, removed when the next run starts.
///
/// Writers fill `.<name>.tmp-<pid>-<number>` beside the final name and rename it into place
/// (`AtomicOutputFile`; Zarr stores and their collections' `.group.tmp-…`): after `kill -9` or a
/// power cut, such files or folders stay. A run that holds its out dir's lock exclusively knows
/// no other run writes there, so every name of that pattern is stale; shards share the out dir
/// (and may run on other nodes, where a pid says nothing), so they leave them.
enum StaleTemporaries {
    /// Whether `name` is a writer's temporary sibling: `.` + name + `.tmp-` + digits + `-` + digits.
    static func matches(_ name: String) -> Bool {
        guard name.hasPrefix("."), let marker = name.range(of: ".tmp-", options: .backwards),
            marker.lowerBound > name.index(after: name.startIndex)
        else { return false }
        let numbers = name[marker.upperBound...].split(separator: "-", omittingEmptySubsequences: false)
        return numbers.count == 2 && numbers.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
    }

    /// Removes the stale temporaries under `outputDirectory` and returns their paths. Symbolic
    /// links are not followed, the state folder (`.imjoy-run`) is not entered, and inside a
    /// `*.zarr` store only its top level is looked at (where its writers put their temporaries).
    @discardableResult
    static func remove(in outputDirectory: String) -> [String] {
        var removed: [String] = []
        walk(outputDirectory, depth: 0, insideStore: false, removed: &removed)
        return removed
    }

    private static func walk(_ folder: String, depth: Int, insideStore: Bool, removed: inout [String]) {
        guard depth < 64, let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names.sorted() {
            let path = folder + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            let isFolder = (info.st_mode & S_IFMT) == S_IFDIR
            if matches(name) && ((info.st_mode & S_IFMT) == S_IFREG || isFolder) {
                if (try? FileManager.default.removeItem(atPath: path)) != nil { removed.append(path) }
                continue
            }
            guard isFolder, !insideStore, !(depth == 0 && name == ".imjoy-run") else { continue }
            walk(path, depth: depth + 1, insideStore: name.hasSuffix(".zarr"), removed: &removed)
        }
    }
}

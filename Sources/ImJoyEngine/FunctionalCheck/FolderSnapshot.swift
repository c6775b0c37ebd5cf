import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The files under some folders with their size, inode and modification time, to see what a
/// plugin wrote between two snapshots.
struct FolderSnapshot: Sendable {
    struct Stamp: Equatable, Sendable {
        var size: Int64
        var inode: UInt64
        var modified: Int64  // nanoseconds
    }

    /// Folders never descended into: build products and version control, too big to watch.
    static let skippedNames: Set<String> = [".git", ".build", "node_modules", "__pycache__"]
    /// At most this many files per watched folder.
    static let limit = 100_000

    private(set) var files: [String: Stamp] = [:]
    /// Watched folders whose scan stopped at ``limit``.
    private(set) var truncated: [String] = []

    /// Snapshots `folders` (recursively), leaving out `excluded` folders and their contents.
    init(folders: [String], excluding excluded: [String]) {
        for folder in folders {
            var count = 0
            scan(folder, excluded: Set(excluded), count: &count)
            if count >= Self.limit { truncated.append(folder) }
        }
    }

    /// Files created, modified or deleted since `earlier`, sorted by path.
    func changes(since earlier: FolderSnapshot) -> [(path: String, change: String)] {
        var found: [(String, String)] = []
        for (path, stamp) in files {
            switch earlier.files[path] {
            case nil: found.append((path, "created"))
            case stamp?: continue
            default: found.append((path, "modified"))
            }
        }
        for path in earlier.files.keys where files[path] == nil { found.append((path, "deleted")) }
        return found.sorted { $0.0 < $1.0 }
    }

    private mutating func scan(_ folder: String, excluded: Set<String>, count: inout Int) {
        guard !excluded.contains(folder), count < Self.limit, let directory = opendir(folder) else { return }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name == "." || name == ".." { continue }
            let path = folder.hasSuffix("/") ? folder + name : folder + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            if info.st_mode & S_IFMT == S_IFDIR {
                if !Self.skippedNames.contains(name) && !name.hasPrefix(".build") { scan(path, excluded: excluded, count: &count) }
                continue
            }
            guard count < Self.limit else { return }
            count += 1
            files[path] = Stamp(
                size: Int64(info.st_size), inode: UInt64(info.st_ino),
                modified: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec))
        }
    }
}

import Foundation
import ImJoyWorkflow

/// Output file names: `{item}`, `{stem}` and `{op}` templates, kept inside the out dir.
public enum OutputPaths {
    /// Why a template cannot be used.
    public struct Problem: Error, CustomStringConvertible, Equatable, Sendable {
        public var path: String
        public var reason: String
        public var description: String { "'\(path)' \(reason)" }
    }

    /// The stem of the item's first input that is a file path (inputs in name order), sanitised
    /// like item keys; else the item key.
    public static func stem(of item: WorkItem) -> String {
        for name in item.inputs.keys.sorted() {
            guard let text = item.inputs[name]?.stringValue ?? item.inputs[name]?["path"]?.stringValue,
                text.contains("/") || text.contains(".")
            else { continue }
            let stem = ((text as NSString).lastPathComponent as NSString).deletingPathExtension
            let sanitized = sanitized(stem)
            if !sanitized.isEmpty { return sanitized }
        }
        return item.key
    }

    /// `text` safe as a file name part: letters, digits, `.`, `_`, `-`; anything else becomes `_`.
    public static func sanitized(_ text: String) -> String {
        let result = String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-") ? $0 : "_" })
        return result == "." || result == ".." ? result.replacingOccurrences(of: ".", with: "_") : result
    }

    /// Whether `template` names a different file for each item (it uses `{item}` or `{stem}`).
    public static func isPerItem(_ template: String) -> Bool {
        template.contains("{item}") || template.contains("{stem}")
    }

    /// `template` with `{item}` (the item key), `{stem}` and `{op}` (the op id) replaced.
    ///
    /// - Throws: ``Problem`` for any other `{…}` placeholder (``OutputTemplate``'s rules).
    public static func expand(_ template: String, item: WorkItem, op: String) throws(Problem) -> String {
        if let problem = OutputTemplate.placeholderProblem(template) { throw Problem(path: template, reason: problem) }
        var result = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            result += rest[..<open]
            switch rest[rest.index(after: open)..<close] {
            case "item": result += item.key
            case "stem": result += stem(of: item)
            default: result += op
            }
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    /// `path` as a clean relative path inside the out dir: not absolute, no `..`, not empty, not
    /// under a name imjoy-run keeps for itself (`manifest.json`, `.imjoy-run`: an item key can
    /// make one); empty and `.` components are dropped.
    public static func checkedRelative(_ path: String) throws(Problem) -> String {
        if let problem = OutputTemplate.pathProblem(path) { throw Problem(path: path, reason: problem) }
        return path.split(separator: "/").filter { $0 != "." }.joined(separator: "/")
    }

    /// Expands and checks `template`.
    public static func relativePath(_ template: String, item: WorkItem, op: String) throws(Problem) -> String {
        try checkedRelative(expand(template, item: item, op: op))
    }

    /// The file URL of `relative` under `outputDirectory` (relative out dirs are taken from the
    /// current directory), after creating its parent folders.
    ///
    /// - Throws: ``Problem`` when a folder on the way is a symbolic link that leads outside the
    ///   out dir (checked on real paths before and after the folders are created).
    public static func prepareFile(_ relative: String, in outputDirectory: String) throws -> URL {
        let base =
            outputDirectory.hasPrefix("/")
            ? URL(fileURLWithPath: outputDirectory)
            : URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(outputDirectory)
        let url = base.appendingPathComponent(relative)
        let parent = url.deletingLastPathComponent()
        try checkContainment(parent, in: base, relative: relative)
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        try checkContainment(parent, in: base, relative: relative)
        return url
    }

    /// Throws when the deepest existing folder of `directory` resolves (through symbolic links)
    /// outside `base`'s real path.
    static func checkContainment(_ directory: URL, in base: URL, relative: String) throws {
        guard let root = realPath(base.path) else { return }  // the out dir does not exist yet
        var existing = directory.path
        while realPath(existing) == nil, existing != "/", !existing.isEmpty {
            existing = (existing as NSString).deletingLastPathComponent
        }
        guard let resolved = realPath(existing) else { return }
        guard resolved == root || resolved.hasPrefix(root == "/" ? "/" : root + "/") else {
            throw Problem(path: relative, reason: "leads outside the out dir through a symbolic link (to \(resolved))")
        }
    }

    /// `path` with every symbolic link resolved (`realpath`), or `nil` when it does not exist.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// `/a/b` form of an HDF5 dataset path (no empty, `.` or `..` components).
    public static func checkedDatasetPath(_ path: String) throws(Problem) -> String {
        let components = path.split(separator: "/")
        guard !components.isEmpty, !components.contains("."), !components.contains("..") else {
            throw Problem(path: path, reason: "is not a valid HDF5 dataset path")
        }
        return "/" + components.joined(separator: "/")
    }
}

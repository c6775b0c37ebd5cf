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
    /// - Throws: ``Problem`` for any other `{…}` placeholder.
    public static func expand(_ template: String, item: WorkItem, op: String) throws(Problem) -> String {
        var result = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else {
                throw Problem(path: template, reason: "has an unclosed '{'")
            }
            let name = rest[rest.index(after: open)..<close]
            switch name {
            case "item": result += item.key
            case "stem": result += stem(of: item)
            case "op": result += op
            default: throw Problem(path: template, reason: "has an unknown placeholder {\(name)} (known: {item}, {stem}, {op})")
            }
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    /// `path` as a clean relative path inside the out dir: not absolute, no `..`, not empty;
    /// empty and `.` components are dropped.
    public static func checkedRelative(_ path: String) throws(Problem) -> String {
        guard !path.hasPrefix("/") else { throw Problem(path: path, reason: "is absolute; output paths are relative to the out dir") }
        guard !path.contains("\0") else { throw Problem(path: path, reason: "contains a NUL character") }
        let components = path.split(separator: "/").filter { $0 != "." }
        guard !components.contains("..") else { throw Problem(path: path, reason: "contains '..' and would leave the out dir") }
        guard !components.isEmpty else { throw Problem(path: path, reason: "is empty") }
        return components.joined(separator: "/")
    }

    /// Expands and checks `template`.
    public static func relativePath(_ template: String, item: WorkItem, op: String) throws(Problem) -> String {
        try checkedRelative(expand(template, item: item, op: op))
    }

    /// The file URL of `relative` under `outputDirectory` (relative out dirs are taken from the
    /// current directory), after creating its parent folders.
    public static func prepareFile(_ relative: String, in outputDirectory: String) throws -> URL {
        let base = outputDirectory.hasPrefix("/")
            ? URL(fileURLWithPath: outputDirectory)
            : URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(outputDirectory)
        let url = base.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        return url
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

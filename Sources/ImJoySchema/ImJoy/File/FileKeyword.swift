import Foundation

/// ImJoy's `file` keyword: the instance refers to an existing file with the required MIME type,
/// extension and size. An `http(s)://` or `s3://` URL is checked by syntax and extension only.
///
/// The instance is a path string or an object `{path, name?, size?, mime?}`; relative paths are
/// resolved against ``ValidationOptions/baseDirectory``. As in ImJoy, `mime` entries are
/// unanchored regular-expression searches in the MIME type and `ext` entries are case-sensitive
/// suffixes of the name (`name` when given, else the path's last component). The MIME type is
/// detected from the file; the object's `mime` is used only when detection finds none.
struct FileKeyword: Keyword {
    let mimePatterns: [ECMARegex]
    let extensions: [String]
    let minSize: Double?
    let maxSize: Double?
    /// Allowed exact sizes (ImJoy allows one number; imjoy-run also accepts a list).
    let sizes: [Double]?
    let schemaPath: String

    func validate(_ instance: JSONValue, _ context: inout ValidationContext) -> Bool {
        switch reference(instance) {
        case .failure(let problem):
            context.report("file", at: schemaPath, problem.text)
            return false
        case .success(let (path, name, declaredMime)):
            if RemoteLocation.isRemote(path) { return validateRemote(path, name: name, &context) }
            let resolved = FileKeyword.resolve(path, against: context.options.baseDirectory)
            let needsSize = minSize != nil || maxSize != nil || sizes != nil
            guard var facts = context.options.fileInspector.inspect(path: resolved, needsSize: needsSize) else {
                context.report("file", at: schemaPath, "file not found: \(resolved)")
                return false
            }
            if facts.mime.isEmpty, let declaredMime { facts.mime = declaredMime }
            guard let problem = mismatch(facts, name: name) else { return true }
            context.report("file", at: schemaPath, problem)
            return false
        }
    }

    /// A remote file (`http(s)://`, `s3://`) is never fetched to be validated: its URL must
    /// parse and its name (the URL's file name, without the query) end with an `ext`; its MIME
    /// type and size are not known before the read op fetches it.
    private func validateRemote(_ url: String, name: String, _ context: inout ValidationContext) -> Bool {
        let location: RemoteLocation
        do { location = try RemoteLocation(parsing: url) } catch {
            context.report("file", at: schemaPath, error.description)
            return false
        }
        let remoteName = name == FileKeyword.lastComponent(url) ? location.fileName : name
        guard !extensions.isEmpty, !extensions.contains(where: { remoteName.hasSuffix($0) }) else { return true }
        context.report(
            "file", at: schemaPath, "expected a file name ending with \(extensions.joined(separator: " or ")), got \(remoteName)")
        return false
    }

    private func mismatch(_ facts: FileFacts, name: String) -> String? {
        if !mimePatterns.isEmpty, !mimePatterns.contains(where: { $0.search(facts.mime) }) {
            let expected = mimePatterns.map(\.pattern).joined(separator: " or ")
            return "expected a file of type \(expected), got \(facts.mime.isEmpty ? "an unknown type" : facts.mime) (\(name))"
        }
        if !extensions.isEmpty, !extensions.contains(where: { name.hasSuffix($0) }) {
            return "expected a file name ending with \(extensions.joined(separator: " or ")), got \(name)"
        }
        let size = Double(facts.size)
        if let minSize, size < minSize { return "expected a file of at least \(bytes(minSize)) bytes, got \(facts.size) (\(name))" }
        if let maxSize, size > maxSize { return "expected a file of at most \(bytes(maxSize)) bytes, got \(facts.size) (\(name))" }
        if let sizes, !sizes.contains(size) {
            return "expected a file of \(sizes.map(bytes).joined(separator: " or ")) bytes, got \(facts.size) (\(name))"
        }
        return nil
    }

    /// A size from the schema as text (`100`, or `1e+30` when it is no integer).
    private func bytes(_ size: Double) -> String {
        Int64(exactly: size).map(String.init) ?? String(size)
    }

    struct Problem: Error {
        var text: String
    }

    /// The path, the display name and the declared MIME type of a file instance.
    private func reference(_ instance: JSONValue) -> Result<(String, String, String?), Problem> {
        switch instance {
        case .string(let path) where !path.isEmpty:
            return .success((path, FileKeyword.lastComponent(path), nil))
        case .object(let object):
            guard case .string(let path)? = object["path"], !path.isEmpty else {
                return .failure(Problem(text: "expected a file reference, got an object without a \"path\" string"))
            }
            let name = object["name"]?.stringValue ?? FileKeyword.lastComponent(path)
            return .success((path, name, object["mime"]?.stringValue))
        default:
            return .failure(Problem(text: "expected a file path or {path: ...}, got \(instance.typeName)"))
        }
    }

    static func lastComponent(_ path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        return trimmed.split(separator: "/").last.map(String.init) ?? String(trimmed)
    }

    static func resolve(_ path: String, against base: URL?) -> String {
        var expanded = path
        if path.hasPrefix("file://") { expanded = URL(string: path)?.path ?? String(path.dropFirst(7)) }
        if expanded.hasPrefix("/") { return expanded }
        let directory = base?.path ?? FileManager.default.currentDirectoryPath
        return (directory as NSString).appendingPathComponent(expanded)
    }
}

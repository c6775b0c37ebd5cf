import Foundation
import ImJoySchema
import OrderedCollections

/// One item of a batch: one workflow instance.
public struct WorkItem: Sendable, Equatable {
    /// Position in the batch (0-based, the order of the inputs).
    public var index: Int
    /// A stable, file-name-safe key: the first input's file stem (a URL's last path component
    /// without extension and query) when stems are unique, a
    /// CSV `id` column, else the zero-padded index. `_workflow_id` is `<workflow name>-<key>`.
    public var key: String
    /// The item's value of each input, by input name.
    public var inputs: [String: JSONValue]
}

/// Expands a workflow's `inputs` into items: every source gives a list; lists zip by index.
public enum BatchItems {
    /// The items of `workflow`, deterministic for the same files and values.
    public static func expand(_ workflow: Workflow) throws(WorkflowError) -> [WorkItem] {
        var columns = OrderedDictionary<String, [JSONValue]>()
        for (name, source) in workflow.inputs {
            columns[name] = try values(of: source, name: name, workflow: workflow)
        }
        guard let count = columns.values.first?.count else {
            // No inputs: one item, so a workflow of literal data still runs once.
            return [WorkItem(index: 0, key: "0", inputs: [:])]
        }
        for (name, column) in columns where column.count != count {
            let counts = columns.map { "\($0.key): \($0.value.count)" }.joined(separator: ", ")
            throw WorkflowError(
                file: workflow.file, path: "inputs.\(name)", message: "inputs zip by index but their lengths differ (\(counts))")
        }
        let keys = itemKeys(first: columns.values.first!, count: count)
        return (0..<count).map { i in
            var inputs: [String: JSONValue] = [:]
            for (name, column) in columns { inputs[name] = column[i] }
            return WorkItem(index: i, key: keys[i], inputs: inputs)
        }
    }

    private static func values(of source: InputSource, name: String, workflow: Workflow) throws(WorkflowError) -> [JSONValue] {
        let path = "inputs.\(name)"
        switch source {
        case .values(let values):
            return values
        case .files(let files):
            let paths = files.map { RemoteLocation.isRemote($0) ? $0 : absolute($0, base: workflow.baseDirectory) }
            try RemoteInputCheck.check(paths, workflow: workflow, path: "\(path).files")
            try InputFileCheck.check(paths, workflow: workflow, path: "\(path).files")
            return paths.map(JSONValue.string)
        case .glob(let pattern) where RemoteLocation.isRemote(pattern):
            throw WorkflowError(file: workflow.file, path: "\(path).glob", message: RemoteInputCheck.globRefusal(pattern))
        case .glob(let pattern):
            let matches = Glob.matches(absolute(pattern, base: workflow.baseDirectory))
            if matches.isEmpty {
                throw WorkflowError(
                    file: workflow.file, path: "\(path).glob",
                    message: "'\(pattern)' matches no file (relative to \(workflow.baseDirectory))")
            }
            try InputFileCheck.check(matches, workflow: workflow, path: "\(path).glob")
            return matches.map(JSONValue.string)
        case .csv(let file, _) where RemoteLocation.isRemote(file):
            throw WorkflowError(file: workflow.file, path: "\(path).csv", message: RemoteInputCheck.csvRefusal(file))
        case .csv(let file, let column):
            let csvPath = absolute(file, base: workflow.baseDirectory)
            let rows = try csvTable(csvPath, workflow: workflow, path: "\(path).csv")
            guard let header = rows.header else {
                throw WorkflowError(file: workflow.file, path: "\(path).csv", message: "\(csvPath) has no header row")
            }
            if let column, !header.contains(column) {
                throw WorkflowError(
                    file: workflow.file, path: "\(path).column",
                    message: "\(csvPath) has no column '\(column)' (has \(header.joined(separator: ", ")))")
            }
            if let column {
                try RemoteInputCheck.check(rows.records.map { $0[column] ?? "" }, workflow: workflow, path: "\(path).csv")
            }
            return rows.records.map { record in
                if let column { return .string(record[column] ?? "") }
                var object = JSONObject()
                for name in header { object[name] = .string(record[name] ?? "") }
                return .object(object)
            }
        }
    }

    /// The CSV table at `csvPath`: a regular UTF-8 file within the size limit, well formed.
    private static func csvTable(_ csvPath: String, workflow: Workflow, path: String) throws(WorkflowError) -> CSVTable {
        let data: Data
        do { data = try DocumentFile.read(csvPath, limit: DocumentFile.maximumCSVBytes) } catch {
            throw WorkflowError(file: workflow.file, path: path, message: "cannot read \(csvPath): \(error)")
        }
        if let offset = UTF8Validation.firstInvalidByteOffset(in: data) {
            throw WorkflowError(file: workflow.file, path: path, message: "\(csvPath) is not UTF-8 text (invalid byte at offset \(offset))")
        }
        do { return try CSVTable(text: String(decoding: data, as: UTF8.self)) } catch {
            throw WorkflowError(file: workflow.file, path: path, message: "\(csvPath): \(error)")
        }
    }

    private static func itemKeys(first column: [JSONValue], count: Int) -> [String] {
        let candidates: [String?] = column.map { value in
            if let text = value.stringValue, RemoteLocation.isRemote(text) {
                return (try? RemoteLocation(parsing: text))?.stem
            }
            if let text = value.stringValue, text.contains("/") || text.contains(".") {
                return ((text as NSString).lastPathComponent as NSString).deletingPathExtension
            }
            if let id = value["id"]?.stringValue ?? value["id"]?.intValue.map(String.init) { return id }
            return nil
        }
        let sanitized = candidates.map { $0.map(sanitize) }
        if sanitized.allSatisfy({ $0 != nil && !$0!.isEmpty }), Set(sanitized.compactMap { $0 }).count == count {
            return sanitized.map { $0! }
        }
        let width = String(max(count - 1, 0)).count
        return (0..<count).map { i in
            let text = String(i)
            return String(repeating: "0", count: width - text.count) + text
        }
    }

    /// Keeps letters, digits, `.`, `_`, `-`; anything else becomes `_`.
    static func sanitize(_ text: String) -> String {
        String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-") ? $0 : "_" })
    }

    static func absolute(_ path: String, base: String) -> String {
        if path.hasPrefix("/") { return path }
        let joined = (base as NSString).appendingPathComponent(path)
        if joined.hasPrefix("/") { return (joined as NSString).standardizingPath }
        return ((FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(joined) as NSString).standardizingPath
    }
}

/// Filename globbing with the C library's `glob(3)`, sorted by path.
enum Glob {
    static func matches(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard glob(pattern, 0, nil, &result) == 0 else { return [] }
        var paths: [String] = []
        for i in 0..<Int(result.gl_pathc) {
            if let path = result.gl_pathv[i] { paths.append(String(cString: path)) }
        }
        return paths.sorted()
    }
}

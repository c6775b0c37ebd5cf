import Foundation
import ImJoySchema
import OrderedCollections

/// Reads workflow files: imjoy-run's format (JSON or YAML) and ImJoy's own saved workflows.
public enum WorkflowLoader {
    /// Reads the workflow at `path`. YAML when the extension is `.yaml`/`.yml`, else JSON.
    public static func load(contentsOf path: String) throws(WorkflowError) -> Workflow {
        let text = try readWorkflowText(path)
        let isYAML = path.hasSuffix(".yaml") || path.hasSuffix(".yml")
        return try load(text: text, file: path, isYAML: isYAML)
    }

    /// Parses workflow text.
    public static func load(text: String, file: String, isYAML: Bool = false) throws(WorkflowError) -> Workflow {
        let value = try parseWorkflowText(text, file: file, isYAML: isYAML)
        guard case .object(let object) = value else {
            throw WorkflowError(file: file, message: "a workflow must be an object, not \(value.typeName)")
        }
        let base = (file as NSString).deletingLastPathComponent
        var reader = FieldReader(file: file)
        if object["workflow"] != nil && object["ops"] == nil {
            return try reader.imjoySavedWorkflow(object, baseDirectory: base.isEmpty ? "." : base)
        }
        return try reader.workflow(object, baseDirectory: base.isEmpty ? "." : base)
    }
}

/// Reads fields with JSON paths for errors.
struct FieldReader {
    let file: String

    static let topLevelKeys: Set<String> = ["name", "version", "description", "plugins", "variables", "inputs", "ops", "output", "$schema"]
    static let opKeys: Set<String> = Set([
        "id", "plugin", "builtin", "op", "config", "data", "after", "timeout", "retries", "output", "description", "container",
    ]).union(OpCallFields.keys)
    static let outputKeys: Set<String> = ["format", "path", "dataset"]

    func error(_ path: String?, _ message: String, op: String? = nil) -> WorkflowError {
        WorkflowError(file: file, op: op, path: path, message: message)
    }

    // MARK: imjoy-run's format

    mutating func workflow(_ object: JSONObject, baseDirectory: String) throws(WorkflowError) -> Workflow {
        try rejectUnknownKeys(object, allowed: Self.topLevelKeys, path: nil)
        guard let name = object["name"]?.stringValue, !name.isEmpty else {
            throw error("name", "a workflow needs a non-empty string 'name'")
        }
        var plugins = OrderedDictionary<String, PluginSource>()
        for (alias, source) in try objectField(object["plugins"], path: "plugins") {
            guard let text = source.stringValue else { throw error("plugins.\(alias)", "must be a plugin source string") }
            plugins[alias] = .reference(text)
        }
        var inputs = OrderedDictionary<String, InputSource>()
        for (name, source) in try objectField(object["inputs"], path: "inputs") {
            inputs[name] = try inputSource(source, path: "inputs.\(name)")
        }
        guard case .array(let opValues)? = object["ops"], !opValues.isEmpty else {
            throw error("ops", "a workflow needs a non-empty list 'ops'")
        }
        var ops: [OpSpec] = []
        for (index, value) in opValues.enumerated() {
            ops.append(try op(value, index: index))
        }
        return Workflow(
            file: file, baseDirectory: baseDirectory, name: name,
            version: try optionalString(object["version"], path: "version", allowNumber: true),
            description: try optionalString(object["description"], path: "description"),
            plugins: plugins, variables: try objectField(object["variables"], path: "variables"),
            inputs: inputs, ops: ops, output: try output(object["output"], path: "output") ?? OutputSpec())
    }

    func inputSource(_ value: JSONValue, path: String) throws(WorkflowError) -> InputSource {
        switch value {
        case .array(let values): return .values(values)
        case .string(let pattern): return .glob(pattern)
        case .object(let object):
            if let pattern = object["glob"] {
                guard let text = pattern.stringValue else { throw error("\(path).glob", "must be a string") }
                return .glob(text)
            }
            if let files = object["files"] {
                guard let list = files.arrayValue, list.allSatisfy({ $0.stringValue != nil }) else {
                    throw error("\(path).files", "must be a list of paths")
                }
                return .files(list.compactMap(\.stringValue))
            }
            if let csv = object["csv"] {
                guard let text = csv.stringValue else { throw error("\(path).csv", "must be a path") }
                return .csv(path: text, column: object["column"]?.stringValue)
            }
            if let values = object["values"] {
                guard let list = values.arrayValue else { throw error("\(path).values", "must be a list") }
                return .values(list)
            }
            throw error(path, "an input needs one of glob, files, csv or values")
        default:
            throw error(path, "an input must be an object with glob, files, csv or values, or a list of values")
        }
    }

    func op(_ value: JSONValue, index: Int) throws(WorkflowError) -> OpSpec {
        let path = "ops[\(index)]"
        guard case .object(let object) = value else { throw error(path, "an op must be an object") }
        guard let id = object["id"]?.stringValue, !id.isEmpty else { throw error("\(path).id", "an op needs a string 'id'") }
        guard id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
            throw error("\(path).id", "op ids may only hold letters, digits, '_' and '-'", op: id)
        }
        try rejectUnknownKeys(object, allowed: Self.opKeys, path: path, op: id)
        let target: OpTarget
        switch (object["plugin"], object["builtin"]) {
        case (.string(let alias)?, nil):
            target = .plugin(alias: alias, op: try optionalString(object["op"], path: "\(path).op", op: id))
        case (nil, .string(let name)?):
            if object["op"] != nil { throw error("\(path).op", "'op' goes with 'plugin', not 'builtin'", op: id) }
            target = .builtin(name)
        case (nil, nil):
            throw error(path, "an op needs 'plugin' (an alias from 'plugins') or 'builtin'", op: id)
        case (.some, .some):
            throw error(path, "an op has either 'plugin' or 'builtin', not both", op: id)
        default:
            throw error(path, "'plugin' and 'builtin' must be strings", op: id)
        }
        var after: [String] = []
        switch object["after"] {
        case nil, .null?: break
        case .string(let single)?: after = [single]
        case .array(let list)? where list.allSatisfy({ $0.stringValue != nil }): after = list.compactMap(\.stringValue)
        default: throw error("\(path).after", "must be an op id or a list of op ids", op: id)
        }
        let timeout = try timeoutField(object["timeout"], path: "\(path).timeout", op: id)
        let retries = try retriesField(object["retries"], path: "\(path).retries", op: id)
        var spec = OpSpec(
            id: id, target: target, config: try objectField(object["config"], path: "\(path).config", op: id),
            data: object["data"].map(DataExpression.init(parsing:)), after: after, timeout: timeout, retries: retries,
            output: try output(object["output"], path: "\(path).output", op: id), index: index)
        spec.container = try optionalString(object["container"], path: "\(path).container", op: id)
        if spec.container != nil, case .builtin = target { throw error("\(path).container", "is for plugin ops only", op: id) }
        try OpCallFields.read(object, into: &spec, file: file)
        return spec
    }

    func output(_ value: JSONValue?, path: String, op: String? = nil) throws(WorkflowError) -> OutputSpec? {
        guard let value, !value.isNull else { return nil }
        guard case .object(let object) = value else { throw error(path, "must be an object with format, path, dataset", op: op) }
        try rejectUnknownKeys(object, allowed: Self.outputKeys, path: path, op: op)
        let format = try optionalString(object["format"], path: "\(path).format", op: op)
        // Array format names: ArrayFormatNames (mirrors ImageIO's format registry).
        if let format, let problem = ArrayFormatNames.problem(with: format) {
            throw error("\(path).format", problem, op: op)
        }
        return OutputSpec(
            format: format, path: try optionalString(object["path"], path: "\(path).path", op: op),
            dataset: try optionalString(object["dataset"], path: "\(path).dataset", op: op))
    }

    // MARK: Helpers

    func rejectUnknownKeys(_ object: JSONObject, allowed: Set<String>, path: String?, op: String? = nil) throws(WorkflowError) {
        for key in object.keys where !allowed.contains(key) {
            let keyPath = path.map { "\($0).\(key)" } ?? key
            throw error(keyPath, "unknown field '\(key)' (allowed: \(allowed.sorted().joined(separator: ", ")))", op: op)
        }
    }

    func objectField(_ value: JSONValue?, path: String, op: String? = nil) throws(WorkflowError) -> JSONObject {
        switch value {
        case nil, .null?: return [:]
        case .object(let object)?: return object
        case let other?: throw error(path, "must be an object, not \(other.typeName)", op: op)
        }
    }

    func optionalString(_ value: JSONValue?, path: String, allowNumber: Bool = false, op: String? = nil) throws(WorkflowError) -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case let number? where allowNumber && number.isNumber: return number.serialized()
        case let other?: throw error(path, "must be a string, not \(other.typeName)", op: op)
        }
    }
}

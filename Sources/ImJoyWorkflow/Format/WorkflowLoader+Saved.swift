import Foundation
import ImJoySchema
import OrderedCollections

/// ImJoy's saved workflows: `{"name": …, "workflow": {"type": "ops", "ops": [{"type": "Plugin/Op",
/// "<ui id>": {"value": …}}]}}`, where `workflow` may also be the JSON text of that object, as
/// ImJoy stores it. Beside `workflow`, the file may give imjoy-run's `inputs`, `variables` and
/// `output` (the same fields as the native format); any other field is an error naming it.
extension FieldReader {
    /// The fields a saved workflow may have: ImJoy's (`name`, `workflow`, and the database's
    /// `_id`/`_rev`) and imjoy-run's batch fields.
    static let savedTopLevelKeys: Set<String> = [
        "name", "description", "version", "workflow", "inputs", "variables", "output", "$schema", "_id", "_rev",
    ]
    /// The fields of the `workflow` object (ImJoy's Joy `ops` block).
    static let savedWorkflowKeys: Set<String> = ["type", "ops", "name", "id", "resetVariables", "collapsed"]

    mutating func imjoySavedWorkflow(_ object: JSONObject, baseDirectory: String) throws(WorkflowError) -> Workflow {
        try rejectUnknownKeys(object, allowed: Self.savedTopLevelKeys, path: nil)
        var body = object["workflow"]!
        if case .string(let text) = body {
            do { body = try JSONValue(jsonText: text) } catch { throw self.error("workflow", "not valid JSON text: \(error)") }
        }
        if case .object(let inner) = body, inner["type"] == nil, let nested = inner["workflow"] { body = nested }
        guard case .object(let joy) = body, joy["type"]?.stringValue == "ops", case .array(let steps)? = joy["ops"] else {
            throw error("workflow", "an ImJoy workflow needs {\"type\": \"ops\", \"ops\": [...]}")
        }
        try rejectUnknownKeys(joy, allowed: Self.savedWorkflowKeys, path: "workflow")
        let name = object["name"]?.stringValue ?? ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        let (plugins, ops) = try savedSteps(steps)
        var inputs = OrderedDictionary<String, InputSource>()
        for (inputName, source) in try objectField(object["inputs"], path: "inputs") {
            inputs[inputName] = try inputSource(source, path: "inputs.\(inputName)")
        }
        return Workflow(
            file: file, baseDirectory: baseDirectory, name: name,
            version: try optionalString(object["version"], path: "version", allowNumber: true),
            description: try optionalString(object["description"], path: "description"),
            plugins: plugins, variables: try objectField(object["variables"], path: "variables"),
            inputs: inputs, ops: ops, output: try output(object["output"], path: "output") ?? OutputSpec())
    }

    /// The plugins (by name) and ops of the saved steps.
    private func savedSteps(_ steps: [JSONValue]) throws(WorkflowError) -> (OrderedDictionary<String, PluginSource>, [OpSpec]) {
        var plugins = OrderedDictionary<String, PluginSource>()
        var ops: [OpSpec] = []
        for (index, step) in steps.enumerated() {
            let path = "workflow.ops[\(index)]"
            guard case .object(let fields) = step, let type = fields["type"]?.stringValue else {
                throw error(path, "each step needs a string 'type'")
            }
            if type.hasPrefix("instructions/comment") { continue }
            if type.hasPrefix("math/") || type.hasPrefix("random/") || type.hasPrefix("instructions/") {
                throw error("\(path).type", "ImJoy's control op '\(type)' is not supported in batch runs")
            }
            let pluginName = String(type.prefix { $0 != "/" })
            let opName = type.contains("/") ? String(type.drop { $0 != "/" }.dropFirst()) : nil
            plugins[pluginName] = .name(pluginName)
            var config = JSONObject()
            for (key, value) in fields where key != "type" {
                config[key] = value["value"] ?? value
            }
            let id = "\(index + 1)-" + type.map { $0.isLetter || $0.isNumber ? $0 : "-" }.reduce(into: "") { $0.append($1) }
            ops.append(OpSpec(id: id, target: .plugin(alias: pluginName, op: opName), config: config, index: index))
        }
        guard !ops.isEmpty else { throw error("workflow.ops", "the workflow has no ops") }
        return (plugins, ops)
    }
}

import Foundation
import ImJoySchema
import ImJoyWorkflow

/// The workflow's `FormalParameter`s and what the run bound to them: each input (its files, or
/// its values as `PropertyValue`s), each variable and each op's config entry (`PropertyValue`),
/// and each op's outputs (the files the manifest lists for it).
extension ROCrateGraph {
    static let parameterProfile = "https://bioschemas.org/profiles/FormalParameter/1.0-RELEASE"

    private mutating func parameter(_ id: String, name: String, type: String, examples: [String], description: String? = nil) {
        var properties: JSONObject = [
            "name": .string(name), "additionalType": .string(type), "conformsTo": Self.ref(Self.parameterProfile),
            "workExample": Self.refs(examples),
        ]
        if let description { properties["description"] = .string(description) }
        add(id, ["FormalParameter"], properties)
    }

    private mutating func value(_ id: String, name: String, value: JSONValue, parameter: String) {
        let bound: JSONValue =
            switch value {
            case .string, .integer, .number, .bool: value
            default: .string(value.serialized([.sortedKeys]))
            }
        add(id, ["PropertyValue"], ["name": .string(name), "value": bound, "exampleOfWork": Self.ref(parameter)])
        objects.append(id)
    }

    static func type(of value: JSONValue) -> String {
        switch value {
        case .integer: "Integer"
        case .number: "Float"
        case .bool: "Boolean"
        case .string: "Text"
        default: "StructuredValue"
        }
    }

    mutating func addInputs() {
        let files = manifest["inputs"]?.objectValue ?? [:]
        let items = (try? WorkflowPlan(validated).items) ?? []
        for name in validated.workflow.inputs.keys {
            let id = "#input-\(name)"
            var examples: [String] = []
            var isFile = false
            for item in items {
                guard let bound = item.inputs[name] else { continue }
                let path = bound.stringValue.map { FileHashes.resolve($0, base: validated.workflow.baseDirectory) }
                if let path, let hash = files[path]?.stringValue {
                    let fileID = URL(fileURLWithPath: path).absoluteString
                    var properties: JSONObject = [
                        "name": .string(URL(fileURLWithPath: path).lastPathComponent), "sha256": .string(hash),
                        "exampleOfWork": Self.ref(id),
                    ]
                    if let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int {
                        properties["contentSize"] = .string(String(size))
                    }
                    add(fileID, ["File"], properties)
                    objects.append(fileID)
                    examples.append(fileID)
                    isFile = true
                } else {
                    let valueID = "#input-\(name)-\(item.key)"
                    value(valueID, name: "\(name) of item \(item.key)", value: bound, parameter: id)
                    examples.append(valueID)
                }
            }
            parameter(id, name: name, type: isFile ? "File" : "Text", examples: examples, description: "workflow input \(name)")
            inputs.append(id)
        }
    }

    mutating func addParameters() {
        let variables = manifest["run"]?["variables"]?.objectValue ?? validated.workflow.variables
        for (name, bound) in variables.sorted(by: { $0.key < $1.key }) {
            let id = "#variable-\(name)"
            value("#variable-\(name)-value", name: name, value: bound, parameter: id)
            parameter(
                id, name: name, type: Self.type(of: bound), examples: ["#variable-\(name)-value"],
                description: "workflow variable (ctx._variables)")
            inputs.append(id)
        }
        for op in validated.ops {
            for (key, bound) in op.config.sorted(by: { $0.key < $1.key }) {
                let id = "#config-\(op.id)-\(key)"
                value(id + "-value", name: "\(op.id).\(key)", value: bound, parameter: id)
                parameter(
                    id, name: "\(op.id).\(key)", type: Self.type(of: bound), examples: [id + "-value"],
                    description: "config \(key) of op \(op.id) (\(op.spec.target))")
                inputs.append(id)
            }
        }
    }

    mutating func addOutputs() {
        var byOp: [String: [String]] = [:]
        for output in manifest["outputs"]?.arrayValue ?? [] {
            guard let path = output["path"]?.stringValue else { continue }
            let op = output["op"]?.stringValue ?? "run"
            var properties: JSONObject = ["name": .string(path), "exampleOfWork": Self.ref("#output-\(op)")]
            if let hash = output["sha256"]?.stringValue { properties["sha256"] = .string(hash) }
            if let size = output["size"]?.intValue { properties["contentSize"] = .string(String(size)) }
            if let format = Self.encodingFormat(path) { properties["encodingFormat"] = .string(format) }
            add(path, ["File"], properties)
            results.append(path)
            byOp[op, default: []].append(path)
        }
        for (op, files) in byOp.sorted(by: { $0.key < $1.key }) {
            parameter("#output-\(op)", name: op, type: "File", examples: files, description: "the files op \(op) wrote")
            outputs.append("#output-\(op)")
        }
    }

    static func encodingFormat(_ path: String) -> String? {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "tif", "tiff": "image/tiff"
        case "h5", "hdf5": "application/x-hdf5"
        case "json": "application/json"
        case "png": "image/png"
        case "html": "text/html"
        default: nil
        }
    }
}

import Foundation
import ImJoySchema
import ImJoyWorkflow

/// `manifest.json` in the out dir: every output with its SHA-256, size, item, op and provenance;
/// the workflow and the input files with their hashes; how to run it again. Built from the
/// items' completion records, so items resumed from an earlier run are listed too. Keys are
/// sorted and outputs ordered by path: the same run gives the same bytes, except the top-level
/// `timestamps` field, which comparisons drop. A shard writes its part to
/// `.imjoy-run/manifests/<shard>.json`; `gather` merges the parts into `manifest.json`.
public enum RunManifest {
    public static let formatName = "imjoy-run manifest 1"

    /// The manifest of `items` (those with a completion record), without timestamps.
    public static func build(
        plan: WorkflowPlan, items: [WorkItem], records: CompletionRecords, provenance: ProvenanceBuilder,
        arrayFormat: String
    ) -> JSONObject {
        var outputs: [String: JSONValue] = [:]
        var inputs = JSONObject()
        var remoteInputs = Set<String>()
        for item in items {
            let itemInputs = provenance.inputs(of: item)
            if let files = itemInputs["files"]?.objectValue {
                for (path, hash) in files { inputs[path] = hash }
            }
            for url in itemInputs["urls"]?.arrayValue ?? [] { if let url = url.stringValue { remoteInputs.insert(url) } }
            guard let record = records.record(item.key) else { continue }
            for file in record.files where outputs[file.path] == nil {
                let op = record.ops?[file.path]
                var entry: JSONObject = [
                    "path": .string(file.path), "sha256": .string(file.sha256), "size": .integer(Int64(file.size)),
                    "item": .string(item.key), "op": op.map(JSONValue.string) ?? .null,
                ]
                if let op { entry["provenance"] = provenance.document(op: op, item: item) }
                outputs[file.path] = .object(entry)
            }
            for (path, entry) in displayOutputs(of: item, outputDirectory: records.outputDirectory, provenance: provenance)
            where outputs[path] == nil {
                outputs[path] = .object(entry)
            }
        }
        let workflowFile = FileHashes.resolve(plan.workflow.file, base: FileManager.default.currentDirectoryPath)
        var manifest: JSONObject = [
            "format": .string(formatName),
            "runner": ["name": .string(RunnerInfo.name), "version": .string(RunnerInfo.version)],
            "workflow": [
                "file": .string(workflowFile), "name": .string(plan.workflow.name),
                "version": plan.workflow.version.map(JSONValue.string) ?? .null,
                "sha256": .string((try? SHA256.file(workflowFile).sha256) ?? ""),
            ],
            "run": ["format": .string(arrayFormat), "variables": .object(plan.variables)],
            "inputs": .object(sortedObject(inputs)),
            "outputs": .array(outputs.keys.sorted().map { outputs[$0]! }),
        ]
        // Remote inputs by URL (no hash: what was read is identified by the outputs' hashes).
        if !remoteInputs.isEmpty { manifest["remote_inputs"] = .array(remoteInputs.sorted().map(JSONValue.string)) }
        return manifest
    }

    static func sortedObject(_ object: JSONObject) -> JSONObject {
        JSONObject(uniqueKeysWithValues: object.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }

    /// Writes `manifest` with `timestamps` (seconds since the epoch) atomically; `synchronizes`:
    /// `fsync` it and its folder (shards' parts and resumable runs; a plain local run need not).
    public static func write(_ manifest: JSONObject, started: Double, finished: Double, to url: URL, synchronizes: Bool = true) throws {
        var document = manifest
        document["timestamps"] = ["started": .number(started), "finished": .number(finished)]
        let text = JSONValue.object(document).serialized([.prettyPrinted, .sortedKeys]) + "\n"
        try CompletionRecords.writeAtomically(Data(text.utf8), to: url, synchronizes: synchronizes)
    }

    /// `<out>/manifest.json`.
    public static func url(outputDirectory: String) -> URL {
        CompletionRecords.base(outputDirectory).appendingPathComponent("manifest.json")
    }

    /// `<out>/.imjoy-run/manifests/<label>.json`, a shard's part.
    public static func shardURL(outputDirectory: String, label: String) -> URL {
        CompletionRecords(outputDirectory: outputDirectory).stateDirectory.appendingPathComponent("manifests/\(label).json")
    }

    /// Reads a manifest (or a part).
    public static func read(_ url: URL) throws -> JSONObject {
        let data = try Data(contentsOf: url)
        guard let object = try JSONValue(jsonText: String(decoding: data, as: UTF8.self)).objectValue else {
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: url.path])
        }
        return object
    }

    /// Merges the shards' parts (`shardLabels`) into `<out>/manifest.json`; returns the count of outputs.
    @discardableResult
    public static func merge(outputDirectory: String, shardLabels: [String]) throws -> Int {
        var merged: JSONObject? = nil
        var outputs: [String: JSONValue] = [:]
        var inputs = JSONObject()
        var remoteInputs = Set<String>()
        var started = Double.infinity
        var finished = 0.0
        for label in shardLabels {
            let url = shardURL(outputDirectory: outputDirectory, label: label)
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            var part = try read(url)
            if let times = part["timestamps"] {
                started = min(started, times["started"]?.doubleValue ?? started)
                finished = max(finished, times["finished"]?.doubleValue ?? finished)
            }
            part["timestamps"] = nil
            for output in part["outputs"]?.arrayValue ?? [] {
                if let path = output["path"]?.stringValue, outputs[path] == nil { outputs[path] = output }
            }
            for (path, hash) in part["inputs"]?.objectValue ?? [:] { inputs[path] = hash }
            for url in part["remote_inputs"]?.arrayValue ?? [] { if let url = url.stringValue { remoteInputs.insert(url) } }
            if merged == nil { merged = part }
        }
        guard var document = merged else { return 0 }
        document["inputs"] = .object(sortedObject(inputs))
        if !remoteInputs.isEmpty { document["remote_inputs"] = .array(remoteInputs.sorted().map(JSONValue.string)) }
        document["outputs"] = .array(outputs.keys.sorted().map { outputs[$0]! })
        try write(document, started: started.isFinite ? started : 0, finished: finished, to: url(outputDirectory: outputDirectory))
        return outputs.count
    }
}

extension RunManifest {
    /// The display outputs of `item` (window captures and `exportFile` files, listed by the
    /// plugin hosts in the item folder's display index), hashed, each with its op's provenance.
    static func displayOutputs(of item: WorkItem, outputDirectory: String, provenance: ProvenanceBuilder) -> [(String, JSONObject)] {
        let folder = URL(fileURLWithPath: outputDirectory).appendingPathComponent(item.key)
        let index = folder.appendingPathComponent(PluginHosts.displayIndexName)
        guard let data = try? Data(contentsOf: index),
            let entries = try? JSONValue(jsonText: String(decoding: data, as: UTF8.self)).arrayValue
        else { return [] }
        var out: [(String, JSONObject)] = []
        for entry in entries {
            guard let name = entry["path"]?.stringValue, let op = entry["op"]?.stringValue else { continue }
            let full = name.hasPrefix("/") ? name : folder.appendingPathComponent(name).path
            guard let (sha256, size) = try? SHA256.file(full) else { continue }
            let path = name.hasPrefix("/") ? name : item.key + "/" + name
            out.append(
                (
                    path,
                    [
                        "path": .string(path), "sha256": .string(sha256), "size": .integer(Int64(size)),
                        "item": .string(item.key), "op": .string(op), "kind": "display",
                        "provenance": provenance.document(op: op, item: item),
                    ]
                ))
        }
        return out
    }
}

import Foundation
import ImJoyPlugin
import ImJoySchema
import ImJoyWorkflow
import Synchronization

/// Builds the provenance document every output carries (docs/reproducibility.md): workflow
/// name, version and content hash; `_workflow_id`; the op chain back to the inputs (the
/// `_source_op` lineage) with each op's plugin (name, version, tag, content hash) or built-in
/// (name, runner version) and config — for plugin ops also the runtime they ran on
/// (``RuntimeIdentity``: interpreter, version, package-set hash, host program) —; the item's
/// inputs with their file hashes; the runner.
///
/// Deterministic by design: no timestamps (they live in `manifest.json`'s `timestamps`), so
/// the same workflow on the same inputs gives byte-identical files.
public final class ProvenanceBuilder: Sendable {
    public let plan: WorkflowPlan
    private let hashes: FileHashes
    private let opsByID: [String: PlannedOp]
    private let opEntries: [String: JSONValue]
    private let workflowSection: JSONValue
    private let runtimeLookup = Mutex<(@Sendable (String) -> RuntimeIdentity?)?>(nil)

    /// The runtime of a plugin alias, when the run has plugin hosts (``EngineInvoker`` sets it).
    public var runtimeIdentity: (@Sendable (String) -> RuntimeIdentity?)? {
        get { runtimeLookup.withLock { $0 } }
        set { runtimeLookup.withLock { $0 = newValue } }
    }

    public init(plan: WorkflowPlan, hashes: FileHashes = .shared) {
        self.plan = plan
        self.hashes = hashes
        opsByID = Dictionary(plan.ops.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var entries: [String: JSONValue] = [:]
        for op in plan.ops {
            var entry: JSONObject = ["op": .string(op.id)]
            switch op.spec.target {
            case .builtin(let name):
                entry["builtin"] = ["name": .string(name), "runner_version": .string(RunnerInfo.version)]
            case .plugin(_, let opName):
                if let alias = op.pluginAlias, let plugin = plan.validated.plugins[alias] {
                    entry["plugin"] = [
                        "name": .string(plugin.config.name), "version": plugin.config.version.map(JSONValue.string) ?? .null,
                        "tag": plugin.config.tag.map(JSONValue.string) ?? .null,
                        "sha256": .string(SHA256.hex(Data(plugin.code.utf8))), "op": opName.map(JSONValue.string) ?? .null,
                    ]
                }
            }
            entry["config"] = .object(op.config)
            entry["source_ops"] = .array(op.sourceOps.map(JSONValue.string))
            entries[op.id] = .object(entry)
        }
        opEntries = entries
        let workflowHash = (try? SHA256.file(plan.workflow.file).sha256) ?? ""
        workflowSection = [
            "name": .string(plan.workflow.name), "version": plan.workflow.version.map(JSONValue.string) ?? .null,
            "sha256": .string(workflowHash), "file": .string((plan.workflow.file as NSString).lastPathComponent),
        ]
    }

    /// The ops `opID` descends from through `_source_op` links and the results its `answers`,
    /// `args` and `kwargs` use, itself last, in plan order.
    public func lineage(of opID: String) -> [String] {
        var seen: Set<String> = []
        var stack = [opID]
        while let id = stack.popLast() {
            guard seen.insert(id).inserted, let op = opsByID[id] else { continue }
            stack += op.usedOps
        }
        return plan.ops.map(\.id).filter(seen.contains)
    }

    /// The item's inputs, each file input with its SHA-256; remote inputs (`http(s)://`,
    /// `s3://`) are listed by URL under `urls` (their bytes are identified where they are read:
    /// docs/reproducibility.md).
    public func inputs(of item: WorkItem) -> JSONValue {
        var files = JSONObject()
        var values = JSONObject()
        var urls: [String] = []
        for name in item.inputs.keys.sorted() {
            let value = item.inputs[name]!
            values[name] = value
            guard let path = value.stringValue ?? value["path"]?.stringValue else { continue }
            if RemoteLocation.isRemote(path) {
                urls.append(path)
            } else if let hash = hashes.sha256(FileHashes.resolve(path, base: plan.workflow.baseDirectory)) {
                files[path] = .string(hash)
            }
        }
        var result: JSONObject = ["values": .object(values), "files": .object(files)]
        if !urls.isEmpty { result["urls"] = .array(urls.map(JSONValue.string)) }
        return .object(result)
    }

    /// The entry of `opID` in a lineage, with its runtime for plugin ops.
    private func lineageEntry(_ opID: String) -> JSONValue? {
        guard let entry = opEntries[opID] else { return nil }
        guard let alias = opsByID[opID]?.pluginAlias, let lookup = runtimeIdentity, let runtime = lookup(alias),
            case .object(var object) = entry
        else { return entry }
        object["runtime"] = runtime.jsonValue
        return .object(object)
    }

    /// The provenance of `op`'s output for `item`.
    public func document(op opID: String, item: WorkItem) -> JSONValue {
        [
            "format": "imjoy-run provenance 1",
            "runner": ["name": .string(RunnerInfo.name), "version": .string(RunnerInfo.version)],
            "workflow": workflowSection,
            "workflow_id": .string(plan.workflowID(for: item)),
            "item": .string(item.key),
            "op": .string(opID),
            "lineage": .array(lineage(of: opID).compactMap(lineageEntry)),
            "inputs": inputs(of: item),
            "variables": .object(plan.variables),
        ]
    }

    /// The document as compact canonical JSON text (what files embed).
    public func text(op opID: String, item: WorkItem) -> String {
        document(op: opID, item: item).canonicalText
    }

    /// Name of the HDF5 attribute holding the provenance.
    public static let hdf5Attribute = "imjoy_provenance"
    /// The private TIFF tag holding the provenance when ImageJ metadata occupies the
    /// ImageDescription (an ASCII tag in the private range 65000–65535).
    public static let tiffTag: UInt32 = 65_432
}

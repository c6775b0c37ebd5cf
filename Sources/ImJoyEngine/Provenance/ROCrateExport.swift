import Foundation
import ImJoyPlugin
import ImJoySchema
import ImJoyWorkflow

/// `imjoy-run export-crate OUT [--to CRATE]`: a finished run as a Workflow Run RO-Crate
/// (https://w3id.org/ro/wfrun/workflow/0.5; docs/reproducibility.md). The crate's root is
/// `CRATE` (default: the out dir itself). Into it go the workflow (`workflow/NAME.json`) and its
/// plugin files (`workflow/plugins/`); with `--to`, also `manifest.json` and every output the
/// manifest lists, at their paths. Input files stay where they are, named by `file://` URIs
/// with their SHA-256. `ro-crate-metadata.json` is written last, atomically.
public struct ROCrateExport: Sendable {
    public struct Options: Sendable {
        public var outputDirectory: String
        /// The crate's folder; `nil`: the out dir.
        public var crateDirectory: String?
        /// Plugin directories for loading the recorded workflow (`--plugins`).
        public var pluginDirectories: [String] = []
        /// The crate's license (`--license`): an SPDX URL or a name; the workflow states none.
        public var license = "NOASSERTION"

        public init(outputDirectory: String, crateDirectory: String? = nil) {
            self.outputDirectory = outputDirectory
            self.crateDirectory = crateDirectory
        }
    }

    /// What was written.
    public struct Result: Sendable {
        public var crateDirectory: String
        public var metadataFile: String
        public var entities: Int
        public var copiedFiles: Int
    }

    public static let profiles: [(id: String, name: String, version: String)] = [
        ("https://w3id.org/ro/wfrun/process/0.5", "Process Run Crate", "0.5"),
        ("https://w3id.org/ro/wfrun/workflow/0.5", "Workflow Run Crate", "0.5"),
        ("https://w3id.org/workflowhub/workflow-ro-crate/1.0", "Workflow RO-Crate", "1.0"),
    ]

    public let options: Options

    public init(options: Options) {
        self.options = options
    }

    public func run() throws(ROCrateError) -> Result {
        let out = URL(fileURLWithPath: options.outputDirectory).standardizedFileURL
        let crate = options.crateDirectory.map { URL(fileURLWithPath: $0).standardizedFileURL } ?? out
        let manifestURL = RunManifest.url(outputDirectory: out.path)
        let manifest: JSONObject
        do { manifest = try RunManifest.read(manifestURL) } catch {
            throw .unreadableManifest(path: manifestURL.path, reason: fileErrorReason(error))
        }
        let validated = try loadWorkflow(manifest)
        var copied = 0
        let workflowID = "workflow/" + URL(fileURLWithPath: validated.workflow.file).lastPathComponent
        try copy(validated.workflow.file, to: crate.appendingPathComponent(workflowID))
        var pluginIDs: [String: String] = [:]
        for (alias, plugin) in validated.plugins {
            let id = "workflow/plugins/" + URL(fileURLWithPath: plugin.file).lastPathComponent
            try copy(plugin.file, to: crate.appendingPathComponent(id))
            pluginIDs[alias] = id
        }
        if crate != out {
            for path in ["manifest.json"] + RunVerification.recordedOutputs(manifest).map(\.path) {
                try copy(out.appendingPathComponent(path).path, to: crate.appendingPathComponent(path))
                copied += 1
            }
        }
        var graph = ROCrateGraph(manifest: manifest, validated: validated, license: options.license)
        graph.build(workflowID: workflowID, pluginIDs: pluginIDs)
        let metadata = crate.appendingPathComponent("ro-crate-metadata.json")
        let text = JSONValue.object(graph.document).serialized([.prettyPrinted, .sortedKeys]) + "\n"
        do { try CompletionRecords.writeAtomically(Data(text.utf8), to: metadata, synchronizes: false) } catch {
            throw .write(path: metadata.path, reason: fileErrorReason(error))
        }
        return Result(
            crateDirectory: crate.path, metadataFile: metadata.path, entities: graph.entities.count,
            copiedFiles: copied + 1 + pluginIDs.count)
    }

    /// The recorded workflow, loaded and validated again (its plugins, inputs and configs).
    private func loadWorkflow(_ manifest: JSONObject) throws(ROCrateError) -> ValidatedWorkflow {
        guard let file = manifest["workflow"]?["file"]?.stringValue else {
            throw .workflow(file: "(none)", reason: "manifest.json records no workflow file")
        }
        do {
            let loaded = try WorkflowLoader.load(contentsOf: file)
            return try WorkflowValidator(resolver: PluginResolver(directories: options.pluginDirectories)).validate(loaded)
        } catch {
            throw .workflow(file: file, reason: "\(error)")
        }
    }

    /// Copies `source` to `destination` (replacing it), creating folders; same file: nothing.
    private func copy(_ source: String, to destination: URL) throws(ROCrateError) {
        let from = URL(fileURLWithPath: source).standardizedFileURL
        guard from.path != destination.standardizedFileURL.path else { return }
        do {
            try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
            let temporary = destination.deletingLastPathComponent().appendingPathComponent(
                ".\(destination.lastPathComponent).tmp-\(getpid())")
            try? FileManager.default.removeItem(at: temporary)
            try FileManager.default.copyItem(at: from, to: temporary)
            if rename(temporary.path, destination.path) != 0 {
                let reason = String(cString: strerror(errno))
                try? FileManager.default.removeItem(at: temporary)
                throw ROCrateError.write(path: destination.path, reason: reason)
            }
        } catch let error as ROCrateError {
            throw error
        } catch {
            throw .write(path: destination.path, reason: fileErrorReason(error))
        }
    }
}

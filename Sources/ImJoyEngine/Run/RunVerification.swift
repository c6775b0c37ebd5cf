import Foundation
import ImJoyPlugin
import ImJoySchema
import ImJoyWorkflow

/// `imjoy-run verify`: checks a run recorded in `manifest.json` (docs/reproducibility.md).
///
/// First every output on disk is hashed against the manifest's SHA-256 (`changed`, `missing`);
/// then, unless ``Options/rerun`` is off, the recorded workflow runs again in process through a
/// ``WorkflowRun`` into a temporary folder, without the cache, and every output of the rerun is
/// compared with the manifest (`different`, `missing`, and `unlisted` outputs the manifest does
/// not list). Input files and the workflow whose content changed since the run are noted.
public struct RunVerification: Sendable {
    public struct Options: Sendable {
        /// The manifest.json of a run.
        public var manifest: String
        /// Re-derive the outputs (off: the on-disk check alone).
        public var rerun = true
        /// Keep the rerun's temporary folder.
        public var keep = false
        /// Where the rerun's temporary folder is made.
        public var temporaryParent = FileManager.default.temporaryDirectory
        /// Plugin directories to search when the workflow names plugins by name.
        public var pluginDirectories: [String] = []
        /// The rerun's Python interpreter and Node.js options.
        public var python: String?
        public var javascript = JavaScriptHostOptions()

        public init(manifest: String) {
            self.manifest = manifest
        }
    }

    public let options: Options

    public init(options: Options) {
        self.options = options
    }

    /// Verifies the run. Differences are in the report (exit code 1), not thrown.
    /// - Throws: ``RunVerificationError`` when the manifest cannot be read (exit code 2).
    public func run() throws(RunVerificationError) -> RunVerificationReport {
        let recorded = try readManifest()
        var report = RunVerificationReport()
        report.notes += changedSources(recorded)
        let outputs = Self.recordedOutputs(recorded)
        report.onDisk = checkDisk(outputs)
        if options.rerun, let workflow = recorded["workflow"]?["file"]?.stringValue {
            rerun(workflow: workflow, recorded: recorded, outputs: outputs, into: &report)
        } else if options.rerun {
            report.notes.append("rerun impossible: \(options.manifest) records no workflow file")
            report.rerunFailed = true
        }
        return report
    }

    private func readManifest() throws(RunVerificationError) -> JSONObject {
        do {
            return try RunManifest.read(URL(fileURLWithPath: options.manifest))
        } catch {
            throw .unreadableManifest(path: options.manifest, reason: fileErrorReason(error))
        }
    }

    /// `path → sha256` of every output the manifest lists.
    static func recordedOutputs(_ manifest: JSONObject) -> [(path: String, sha256: String)] {
        (manifest["outputs"]?.arrayValue ?? []).compactMap { output in
            guard let path = output["path"]?.stringValue, let hash = output["sha256"]?.stringValue else { return nil }
            return (path, hash)
        }
    }

    /// "workflow changed: …" and "input changed: …" for sources whose content changed since the run.
    private func changedSources(_ recorded: JSONObject) -> [String] {
        var notes: [String] = []
        if let workflow = recorded["workflow"]?["file"]?.stringValue, let hash = recorded["workflow"]?["sha256"]?.stringValue,
            (try? SHA256.file(workflow).sha256) != hash
        {
            notes.append("workflow changed: \(workflow)")
        }
        for (path, hash) in recorded["inputs"]?.objectValue ?? [:] where FileHashes().sha256(path, persist: false) != hash.stringValue {
            notes.append("input changed: \(path)")
        }
        return notes
    }

    /// Hashes each recorded output where the manifest says it is (beside the manifest).
    private func checkDisk(_ outputs: [(path: String, sha256: String)]) -> [RunVerificationReport.Finding] {
        let base = URL(fileURLWithPath: options.manifest).deletingLastPathComponent()
        return outputs.map { output in
            let full = output.path.hasPrefix("/") ? output.path : base.appendingPathComponent(output.path).path
            guard let now = try? SHA256.file(full).sha256 else {
                return .init(status: .missing, path: output.path, recorded: output.sha256, now: nil)
            }
            return .init(status: now == output.sha256 ? .identical : .changed, path: output.path, recorded: output.sha256, now: now)
        }
    }
}

/// Why a verification could not start.
public enum RunVerificationError: Error, CustomStringConvertible, Sendable {
    case unreadableManifest(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadableManifest(let path, let reason): "cannot read \(path): \(reason)"
        }
    }
}

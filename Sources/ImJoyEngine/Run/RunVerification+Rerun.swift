import Foundation
import ImJoyPlugin
import ImJoySchema
import ImJoyWorkflow

extension RunVerification {
    /// Runs the recorded workflow again in a temporary folder and compares its outputs.
    func rerun(workflow: String, recorded: JSONObject, outputs: [(path: String, sha256: String)], into report: inout RunVerificationReport)
    {
        let folder = options.temporaryParent.appendingPathComponent("imjoy-run-verify-\(UUID().uuidString)")
        defer { if !options.keep { try? FileManager.default.removeItem(at: folder) } }
        if options.keep { report.keptFolder = folder.path }
        let fresh: [String: String]
        do {
            let plan = try plan(workflow: workflow, recorded: recorded)
            report.notes += try rederive(plan, into: folder, recorded: recorded)
            fresh = Dictionary(
                Self.recordedOutputs((try? RunManifest.read(RunManifest.url(outputDirectory: folder.path))) ?? [:]).map {
                    ($0.path, $0.sha256)
                },
                uniquingKeysWith: { a, _ in a })
        } catch {
            report.notes.append("rerun failed: \(error)")
            report.rerunFailed = true
            return
        }
        report.rerun = Self.compare(outputs, with: fresh)
    }

    /// Runs `plan` into `folder` as the recorded run did: one run, or — when the out dir holds
    /// the run records of an array of N shards — N shard runs and a gather, so shard files and
    /// the merged manifest come out as recorded. Returns notes for the report.
    private func rederive(_ plan: WorkflowPlan, into folder: URL, recorded: JSONObject) throws -> [String] {
        let shards = recordedShardCount(workflow: plan.workflow.name)
        var notes: [String] = []
        for index in 0..<shards {
            var run = runOptions(folder, recorded)
            if shards > 1 { (run.shard, run.isSharded) = (try Shard(index: index, count: shards), true) }
            let summary = try WorkflowRun(plan: plan, options: run).run()
            if summary.exitCode != 0 { notes.append("rerun: \(summary.text.split(separator: "\n").first ?? "")") }
        }
        guard shards > 1 else { return notes }
        notes.append("rerun as \(shards) shards and gathered, as recorded")
        let gathered = try ShardGather(plan: plan, outputDirectory: folder.path).run(expectedShards: shards)
        if !gathered.isComplete { notes.append("rerun: gather incomplete") }
        return notes
    }

    /// The shard count of the run records beside the manifest (1 for a run that was not sharded).
    private func recordedShardCount(workflow: String) -> Int {
        let outputDirectory = URL(fileURLWithPath: options.manifest).deletingLastPathComponent().path
        let counts = Set(ShardRunRecord.readAll(outputDirectory: outputDirectory).filter { $0.workflow == workflow }.map(\.shards))
        return counts.count == 1 ? max(1, counts.first!) : 1
    }

    /// Each recorded output against the rerun's, then the rerun's outputs the manifest lacks.
    static func compare(_ outputs: [(path: String, sha256: String)], with fresh: [String: String]) -> [RunVerificationReport.Finding] {
        var findings: [RunVerificationReport.Finding] = []
        var listed: Set<String> = []
        for output in outputs {
            listed.insert(output.path)
            let now = fresh[output.path]
            let status: RunVerificationReport.Status = now == nil ? .missing : now == output.sha256 ? .identical : .different
            findings.append(.init(status: status, path: output.path, recorded: output.sha256, now: now))
        }
        for path in fresh.keys.sorted() where !listed.contains(path) {
            findings.append(.init(status: .unlisted, path: path, recorded: nil, now: fresh[path]))
        }
        return findings
    }

    /// Loads, validates and plans the recorded workflow with the recorded variables.
    private func plan(workflow: String, recorded: JSONObject) throws -> WorkflowPlan {
        let loaded = try WorkflowLoader.load(contentsOf: workflow)
        let validated = try WorkflowValidator(resolver: PluginResolver(directories: options.pluginDirectories)).validate(loaded)
        let variables = (recorded["run"]?["variables"]?.objectValue ?? [:]).map { ($0.key, $0.value.serialized()) }
        return try WorkflowPlan(validated, variableOverrides: variables)
    }

    /// A quiet, uncached, unresumed run into `folder`, in the recorded array format.
    private func runOptions(_ folder: URL, _ recorded: JSONObject) -> WorkflowRunOptions {
        var run = WorkflowRunOptions(outputDirectory: folder.path)
        if let format = recorded["run"]?["format"]?.stringValue.flatMap(ArrayFileFormat.init(rawValue:)) { run.arrayFormat = format }
        run.usesCache = false
        run.resume = false
        run.python = options.python
        run.javascript = options.javascript
        return run
    }
}

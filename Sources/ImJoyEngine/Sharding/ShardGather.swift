import Foundation
import ImJoySchema
import ImJoyWorkflow
import ImageIO

/// Combines the shards of a run in one out dir (docs/hpc.md, "Gather"):
/// - checks that every shard `0..<N` left a run record without failures and that every item
///   of the plan has a completion record whose files match (size and SHA-256);
/// - links each shared HDF5 file's shard files `NAME.shard-I-of-N.h5` into `NAME.h5`, one
///   external link per top-level group (`/<item key>`), copying no data;
/// - merges the shards' events into `gathered-events.jsonl` and their run records into
///   `gathered-runs.json`.
public struct ShardGather {
    public struct Report: Sendable {
        public var shards: Int
        public var items: Int
        public var completeItems: Int
        public var missingShards: [Int] = []
        /// Shards whose run failed: index and why.
        public var failedShards: [(Int, String)] = []
        /// Items without valid outputs: key and why.
        public var incompleteItems: [(String, String)] = []
        public var masterFiles: [String] = []
        public var mergedEvents: String?
        public var runsFile: String?

        public var isComplete: Bool { missingShards.isEmpty && failedShards.isEmpty && incompleteItems.isEmpty }

        public var text: String {
            var lines = ["gather: \(shards) shard\(shards == 1 ? "" : "s"), \(completeItems)/\(items) items complete"]
            if !missingShards.isEmpty {
                lines.append("missing shards (no run record): " + missingShards.map(String.init).joined(separator: ", "))
            }
            for (index, reason) in failedShards { lines.append("  failed shard \(index): \(reason)") }
            for (key, reason) in incompleteItems.prefix(200) { lines.append("  incomplete item \(key): \(reason)") }
            if incompleteItems.count > 200 { lines.append("  … \(incompleteItems.count - 200) more incomplete items") }
            for file in masterFiles { lines.append("master HDF5 (external links to the shard files): \(file)") }
            if let mergedEvents { lines.append("events: \(mergedEvents)") }
            if let runsFile { lines.append("run records: \(runsFile)") }
            return lines.joined(separator: "\n")
        }
    }

    public struct Problem: Error, CustomStringConvertible {
        public var description: String
    }

    public let plan: WorkflowPlan
    public let outputDirectory: String

    public init(plan: WorkflowPlan, outputDirectory: String) {
        self.plan = plan
        self.outputDirectory = outputDirectory
    }

    /// Takes the out dir's lock exclusively (docs/execution.md, "One run per out dir"), so a
    /// gather never reads shards that are still running; `nil` when the out dir has no state
    /// folder (there is nothing to gather, and ``run(expectedShards:)`` says so).
    public func lockOutputDirectory() throws(WorkflowRunError) -> OutputDirectoryLock? {
        guard FileManager.default.fileExists(atPath: CompletionRecords(outputDirectory: outputDirectory).stateDirectory.path) else {
            return nil
        }
        return try OutputDirectoryLock.acquire(outputDirectory: outputDirectory, shared: false, shardLabel: nil)
    }

    /// - Parameter expectedShards: the array's size, when known; else the count the run records agree on.
    public func run(expectedShards: Int? = nil) throws -> Report {
        let runs = ShardRunRecord.readAll(outputDirectory: outputDirectory).filter { $0.workflow == plan.workflow.name }
        let shards = try shardCount(runs: runs, expected: expectedShards)
        var report = Report(shards: shards, items: plan.items.count, completeItems: 0)
        let byIndex = Dictionary(
            runs.filter { $0.shards == shards }.map { ($0.shard, $0) }, uniquingKeysWith: { $0.finished > $1.finished ? $0 : $1 })
        checkShards(byIndex, shards: shards, into: &report)
        let shared = checkItems(into: &report)
        try writeGatheredFiles(byIndex, shards: shards, into: &report)
        guard report.isComplete else { return report }
        try RunManifest.merge(
            outputDirectory: outputDirectory, shardLabels: (0..<shards).compactMap { try? Shard(index: $0, count: shards).label })
        report.masterFiles = try writeMasterFiles(shared: shared, shards: shards)
        return report
    }

    /// `expected`, else the one shard count the run records agree on.
    private func shardCount(runs: [ShardRunRecord], expected: Int?) throws -> Int {
        if let expected { return expected }
        let counts = Set(runs.map(\.shards))
        if counts.count == 1 { return counts.first! }
        if counts.isEmpty {
            throw Problem(
                description:
                    "no shard run records in \(ShardRunRecord.directory(outputDirectory: outputDirectory).path): did the array run with this --out?"
            )
        }
        throw Problem(
            description:
                "run records from different shard counts (\(counts.sorted().map(String.init).joined(separator: ", "))); give --shards N")
    }

    /// Missing shards (no run record) and failed ones (an exit code, failures or skipped tasks).
    private func checkShards(_ byIndex: [Int: ShardRunRecord], shards: Int, into report: inout Report) {
        for index in 0..<shards {
            guard let run = byIndex[index] else {
                report.missingShards.append(index)
                continue
            }
            if run.exitCode != 0 || !run.failures.isEmpty || run.skippedTasks > 0 {
                let failures = run.failures.map { "item \($0.item), op \($0.op): \($0.message)" }
                report.failedShards.append(
                    (
                        index,
                        "exit code \(run.exitCode)" + (failures.isEmpty ? "" : "; " + failures.joined(separator: "; "))
                            + (run.slurmJob.map { " (Slurm job \($0))" } ?? "")
                    ))
            }
        }
    }

    /// Checks every item's completion record; returns the shared files the complete items list.
    private func checkItems(into report: inout Report) -> Set<String> {
        let records = CompletionRecords(outputDirectory: outputDirectory)
        var shared: Set<String> = []
        let planParts = CompletionRecords.fingerprintParts(plan)
        for item in plan.items {
            if let problem = records.problem(item.key, fingerprint: CompletionRecords.fingerprint(planParts: planParts, item: item)) {
                report.incompleteItems.append((item.key, problem))
            } else {
                report.completeItems += 1
                shared.formUnion(records.record(item.key)?.shared ?? [])
            }
        }
        return shared
    }

    /// `gathered-events.jsonl` (the shards' events, in shard order) and `gathered-runs.json`.
    private func writeGatheredFiles(_ byIndex: [Int: ShardRunRecord], shards: Int, into report: inout Report) throws {
        let base = CompletionRecords.base(outputDirectory)
        var events = Data()
        for index in 0..<shards {
            guard let path = byIndex[index]?.events, let data = FileManager.default.contents(atPath: path) else { continue }
            events.append(data)
            if let last = data.last, last != UInt8(ascii: "\n") { events.append(UInt8(ascii: "\n")) }
        }
        let eventsURL = base.appendingPathComponent("gathered-events.jsonl")
        try CompletionRecords.writeAtomically(events, to: eventsURL)
        report.mergedEvents = eventsURL.path
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let runsURL = base.appendingPathComponent("gathered-runs.json")
        try CompletionRecords.writeAtomically(try encoder.encode((0..<shards).compactMap { byIndex[$0] }), to: runsURL)
        report.runsFile = runsURL.path
    }

    /// Master files: `NAME.shard-I-of-N.h5` → `NAME.h5` of external links; returns their paths.
    private func writeMasterFiles(shared: Set<String>, shards: Int) throws -> [String] {
        let base = CompletionRecords.base(outputDirectory)
        var groups: [String: [(Int, String)]] = [:]
        for file in shared {
            guard let (name, index) = Self.shardFileParts(file, shards: shards) else { continue }
            groups[name, default: []].append((index, file))
        }
        var masters: [String] = []
        for (name, files) in groups.sorted(by: { $0.key < $1.key }) {
            // Items resumed from an unsharded run keep their datasets in NAME.h5 itself: never
            // overwrite it with links.
            if shared.contains(name) {
                throw Problem(
                    description:
                        "\(name) holds datasets of items from an unsharded run and would be replaced by the master file; rerun the shards with --no-resume"
                )
            }
            let master = base.appendingPathComponent(name)
            let writer = try HDF5Writer(url: master)
            var linked: Set<String> = []
            for (_, file) in files.sorted(by: { ($0.0, $0.1) < ($1.0, $1.1) }) {
                let shardFile = try HDF5File(contentsOf: base.appendingPathComponent(file))
                for member in try shardFile.members(of: "/") where !linked.contains(member) {
                    // The shard file beside the master: a path relative to the master's folder.
                    let relativeTarget = Self.relativePath(from: (name as NSString).deletingLastPathComponent, to: file)
                    try writer.createExternalLink("/" + member, targetFile: relativeTarget, targetPath: "/" + member)
                    linked.insert(member)
                }
            }
            try writer.commit()
            masters.append(master.path)
        }
        return masters
    }

    /// `dir/NAME.shard-0003-of-0008.h5` → (`dir/NAME.h5`, 3).
    static func shardFileParts(_ path: String, shards: Int) -> (String, Int)? {
        let ext = (path as NSString).pathExtension
        let stem = ext.isEmpty ? path : String(path.dropLast(ext.count + 1))
        guard let range = stem.range(of: ".shard-", options: .backwards) else { return nil }
        let label = stem[stem.index(range.lowerBound, offsetBy: 1)...]
        let parts = label.dropFirst("shard-".count).components(separatedBy: "-of-")
        // Any shard count: items resumed from an earlier array of another size keep their datasets there.
        guard parts.count == 2, let index = Int(parts[0]), Int(parts[1]) != nil else { return nil }
        return (String(stem[..<range.lowerBound]) + (ext.isEmpty ? "" : "." + ext), index)
    }

    /// `file` (relative to the out dir) as seen from `folder` (relative to the out dir).
    static func relativePath(from folder: String, to file: String) -> String {
        let from = folder.split(separator: "/").map(String.init)
        let to = file.split(separator: "/").map(String.init)
        var common = 0
        while common < from.count, common < to.count - 1, from[common] == to[common] { common += 1 }
        return (Array(repeating: "..", count: from.count - common) + to[common...]).joined(separator: "/")
    }
}

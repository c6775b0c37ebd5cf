import Foundation
import ImJoyWorkflow

/// What one run of a shard did: `<out>/.imjoy-run/runs/<shard label>.json` (a whole-batch run
/// is `shard-0000-of-0001`), rewritten by every run of that shard. `imjoy-run gather` reads them.
public struct ShardRunRecord: Codable, Sendable {
    public struct Failure: Codable, Sendable {
        public var item: String
        public var op: String
        public var message: String
    }

    public var workflow: String
    public var shard: Int
    public var shards: Int
    /// The keys of the shard's items, in order.
    public var items: [String]
    /// Items skipped because their outputs were complete.
    public var resumed: Int
    /// Items run this time.
    public var ran: Int
    public var failedItems: [String]
    public var failures: [Failure]
    public var skippedTasks: Int
    public var outputs: [String]
    public var exitCode: Int32
    public var started: Double
    public var finished: Double
    public var host: String
    /// `SLURM_ARRAY_JOB_ID_SLURM_ARRAY_TASK_ID` or `SLURM_JOB_ID`, when under Slurm.
    public var slurmJob: String?
    public var events: String?

    public init(
        workflow: String, shard: Shard, items: [String], resumed: Int, summary: RunSummary, outputs: [String],
        exitCode: Int32, started: Double, events: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.workflow = workflow
        self.shard = shard.index
        self.shards = shard.count
        self.items = items
        self.resumed = resumed
        self.ran = summary.items
        self.failures = summary.failures.map { Failure(item: $0.itemKey, op: $0.op, message: $0.message) }
        self.failedItems = Array(Set(summary.failures.map(\.itemKey))).sorted()
        self.skippedTasks = summary.skippedTasks
        self.outputs = outputs
        self.exitCode = exitCode
        self.started = started
        self.finished = Date().timeIntervalSince1970
        self.host = ProcessInfo.processInfo.hostName
        if let array = environment["SLURM_ARRAY_JOB_ID"], let task = environment["SLURM_ARRAY_TASK_ID"] {
            slurmJob = "\(array)_\(task)"
        } else {
            slurmJob = environment["SLURM_JOB_ID"]
        }
        self.events = events
    }

    public static func directory(outputDirectory: String) -> URL {
        CompletionRecords(outputDirectory: outputDirectory).stateDirectory.appendingPathComponent("runs")
    }

    public static func url(outputDirectory: String, shard: Shard) -> URL {
        directory(outputDirectory: outputDirectory).appendingPathComponent(shard.label + ".json")
    }

    public func write(outputDirectory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let shard = try Shard(index: shard, count: shards)
        try CompletionRecords.writeAtomically(try encoder.encode(self), to: Self.url(outputDirectory: outputDirectory, shard: shard))
    }

    /// Every readable record under `<out>/.imjoy-run/runs/`.
    public static func readAll(outputDirectory: String) -> [ShardRunRecord] {
        let directory = directory(outputDirectory: outputDirectory)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().compactMap { name in
            guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) else { return nil }
            return try? JSONDecoder().decode(ShardRunRecord.self, from: data)
        }
    }
}

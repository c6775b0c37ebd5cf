import Foundation

/// What a ``WorkflowRun`` did: how it ended, counts by item and by task, the files written, the
/// cache's hits and misses, the items resumed from an earlier run, and the warnings.
public struct WorkflowRunSummary: Sendable {
    /// How the run ended.
    public enum Status: Sendable, Equatable {
        /// Every item ran and succeeded.
        case succeeded
        /// Some items failed or did not run (`--fail-fast`), or the run's files could not be finished.
        case someFailed
        /// The run was cancelled; the items finished before are recorded and in the manifest.
        case cancelled(RunCancellationReason)
    }

    /// The cache's counts for this run.
    public struct CacheStatistics: Sendable, Equatable {
        public var directory: String
        public var hits: Int
        public var misses: Int
    }

    public var status: Status
    /// The executor's own summary (tasks, failures, outputs, seconds).
    public var tasks: RunSummary
    /// Items this run ran (resumed items not included).
    public var items: Int
    public var succeededItems: Int
    public var failedItems: Int
    /// Items that neither succeeded nor failed themselves (stopped by `--fail-fast` or a cancellation).
    public var notRunItems: Int
    /// Tasks answered from the cache.
    public var cachedTasks: Int
    /// Files written, relative to the out dir, sorted (shared HDF5 files included).
    public var outputs: [String]
    public var cache: CacheStatistics?
    /// Items skipped because an earlier run completed them.
    public var resumed: Int
    /// Warnings of the run (also sent to the log).
    public var warnings: [String]
    /// The manifest written (`OUT/manifest.json`, or a shard's part), if it could be.
    public var manifest: URL?
    public var outputDirectory: String

    /// 0 succeeded, 1 some failed, 128 + N cancelled by signal N (1 for another cancellation).
    public var exitCode: Int32 {
        switch status {
        case .succeeded: 0
        case .someFailed: 1
        case .cancelled(.signal(let number)): 128 + number
        case .cancelled(.requested): 1
        }
    }

    /// The end-of-run text: counts that add up, each failure on its own line, where the outputs are.
    public var text: String {
        var first = "\(succeededItems)/\(items) items succeeded"
        if failedItems > 0 { first += ", \(failedItems) failed" }
        if notRunItems > 0 { first += ", \(notRunItems) not run" }
        first += "; \(tasks.succeededTasks) tasks done, \(tasks.failedTasks) failed, \(tasks.skippedTasks) skipped"
        first += "; \(outputs.count) files written in \(String(format: "%.2f", tasks.seconds)) s"
        var lines = [first]
        for failure in tasks.failures {
            lines.append("  failed: item \(failure.itemKey), op \(failure.op): \(failure.message)")
        }
        if case .cancelled(let reason) = status { lines.append("run \(reason): items not finished run again next time") }
        lines.append("outputs in \(outputDirectory)/")
        if resumed > 0 { lines.append("resumed: \(resumed) items were already complete and not run again") }
        return lines.joined(separator: "\n")
    }
}

import Foundation
import ImJoyWorkflow
import Synchronization

/// One run of a planned workflow: the engine's "run a workflow" (docs/ARCHITECTURE.md).
///
/// It owns everything the run needs — the out-dir lock, completion records and resume, the
/// result cache, shared HDF5 files, provenance, the output writer, the event observers, the
/// plugin hosts, the executor — and leaves the out dir consistent: every item that finished has
/// its completion record, `manifest.json` (or a shard's part) lists them, and a shard writes
/// its run record. `imjoy-run run`, `verify` and the tests call it the same way:
///
/// ```swift
/// let plan = try WorkflowPlan(validated)
/// let summary = try WorkflowRun(plan: plan, options: WorkflowRunOptions(outputDirectory: "out")).run()
/// ```
///
/// ``cancel(_:)`` (from a signal handler, another thread) stops the plugin processes and lets no
/// new call start; ``run()`` then returns with ``WorkflowRunSummary/Status/cancelled(_:)``.
public final class WorkflowRun: Sendable {
    public let plan: WorkflowPlan
    public let options: WorkflowRunOptions
    let cancellation = RunCancellation()

    public init(plan: WorkflowPlan, options: WorkflowRunOptions) {
        self.plan = plan
        self.options = options
    }

    /// Runs the workflow and returns what happened. Failed items are in the summary, not thrown.
    /// - Throws: ``WorkflowRunError`` when the run cannot start (nothing was run then).
    public func run() throws(WorkflowRunError) -> WorkflowRunSummary {
        try options.checkBounds()
        try checkRerunOps()
        try checkShardIsFaithful()
        let started = Date().timeIntervalSince1970
        // Plugin descendants that leave their host's process group are re-parented to the
        // runner, which kills them when their host ends and at the end (OrphanReaper).
        OrphanReaper.becomeSubreaper()
        let lock =
            options.locksOutputDirectory
            ? try OutputDirectoryLock.acquire(outputDirectory: options.outputDirectory, shared: options.isSharded, shardLabel: shardLabel)
            : nil
        defer { lock?.release() }
        let warnings = WarningList(log: options.log)
        if lock != nil && !options.isSharded {
            let stale = StaleTemporaries.remove(in: options.outputDirectory)
            if !stale.isEmpty {
                options.log.note("removed \(stale.count) temporary file(s) an interrupted run left in \(options.outputDirectory)")
            }
        }
        let parts = try RunParts.make(for: self, warnings: warnings)
        defer { parts.closeEvents() }
        for warning in plan.validated.warnings { warnings.add(warning) }
        let executor = WorkflowExecutor(
            plan: plan, items: parts.items, invoker: parts.invoker, options: options.executorOptions,
            sink: parts.tracker, checker: parts.checker, observer: parts.observer, cache: parts.cache)
        let executed = executor.run()
        parts.invoker.inner.shutdown()
        OrphanReaper.sweepEndedHosts()
        return finish(parts, executed: executed, started: started, warnings: warnings)
    }

    /// Cancels the run: no new call starts, the plugin processes are stopped (busy ones killed,
    /// idle ones asked to exit and killed after `grace` seconds). Safe from any thread, any time.
    public func cancel(_ reason: RunCancellationReason = .requested, grace: Double = 1) {
        cancellation.cancel(reason, grace: grace)
    }

    /// The shard's label when the run is one shard of several.
    var shardLabel: String? {
        guard options.isSharded, let shard = options.shard, shard.count > 1 else { return nil }
        return shard.label
    }

    private func checkRerunOps() throws(WorkflowRunError) {
        for op in options.rerun where !plan.ops.contains(where: { $0.id == op }) {
            throw .unknownRerunOp(op: op, ops: plan.ops.map(\.id))
        }
    }
}

/// The run's warnings: sent to the log as they come, and kept for the summary.
final class WarningList: Sendable {
    private let log: RunLog
    private let lines = Mutex<[String]>([])

    init(log: RunLog) {
        self.log = log
    }

    func add(_ warning: String) {
        lines.withLock { $0.append(warning) }
        log.warning(warning)
    }

    var all: [String] { lines.withLock { $0 } }
}

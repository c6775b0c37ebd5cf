import Dispatch
import Foundation
import ImJoySchema
import ImJoyWorkflow
import Synchronization

/// Runs a plan's items × ops on Dispatch queues.
///
/// Scheduling rule (docs/execution.md): a task is ready when the tasks it depends on for the
/// same item have succeeded. Ready tasks of built-in ops and of `functional` plugins run
/// concurrently on the worker queues; each plugin without the flag has one serial queue (a
/// *lane*) that runs its calls strictly in item order, then op order — deadlock-free, because a
/// task only ever depends on earlier ops of the same item. At most `jobs` tasks run at once;
/// earlier items go first. A failed task fails its item: the item's remaining tasks are
/// skipped and every other item goes on (or, with `failFast`, nothing new starts).
///
/// The parts live by concern: `+Scheduling` (ready tasks, lanes, dispatch), `+Task` (one task:
/// cache, checks, call), `+Retries` (attempts, timeouts, the sink), `+LazyData` (deferred calls
/// and cached results loaded where consumed), `+Completion` (bookkeeping, skips, events). All
/// mutable state is the ``State`` inside `state`'s lock.
public final class WorkflowExecutor: Sendable {
    let plan: WorkflowPlan
    let items: [WorkItem]
    let invoker: any OpInvoker
    let options: RunOptions
    let sink: (any ResultSink)?
    let checker: (any DataChecker)?
    let observer: (any RunObserver)?
    /// Consulted before calling a functional op, filled after a successful call (docs/reproducibility.md).
    let cache: (any ResultCache)?
    let graph: ExecutionGraph

    /// The scheduler's mutable state.
    let state: Mutex<State>
    /// Serialises observer calls; counts the tasks reported so far.
    let notified = Mutex(0)
    let done = DispatchSemaphore(value: 0)
    /// Each plugin op's runtime identity (made on first use), for cache keys.
    let runtimes = Mutex<[Int: RuntimeIdentity?]>([:])

    /// One serial queue per worker slot. libdispatch caps a concurrent queue's threads near the
    /// core count, but plugin calls mostly wait on other processes, so each slot gets its own
    /// (overcommitting) serial queue and `jobs` calls really run at once.
    let workerQueues: [DispatchQueue]
    let laneQueues: [DispatchQueue]
    /// Op timeouts, on a thread of its own (see ``TimeoutWatchdog``).
    let watchdog = TimeoutWatchdog()

    /// - Parameters:
    ///   - plan: The planned workflow.
    ///   - items: The items to run (default: all of the plan's; a shard passes its own).
    public init(
        plan: WorkflowPlan, items: [WorkItem]? = nil, invoker: any OpInvoker, options: RunOptions,
        sink: (any ResultSink)? = nil, checker: (any DataChecker)? = nil, observer: (any RunObserver)? = nil,
        cache: (any ResultCache)? = nil
    ) {
        self.cache = cache
        self.plan = plan
        self.items = items ?? plan.items
        self.invoker = invoker
        self.options = options
        self.sink = sink
        self.checker = checker
        self.observer = observer
        let graph = ExecutionGraph(plan: plan)
        self.graph = graph
        laneQueues = graph.lanes.indices.map { DispatchQueue(label: "imjoy-run.lane.\($0)") }
        workerQueues = (0..<options.jobs).map { DispatchQueue(label: "imjoy-run.worker.\($0)") }
        state = Mutex(State(graph: graph, itemCount: self.items.count, jobs: options.jobs, keepsCacheKeys: cache != nil))
    }

    /// Runs every task and returns when all are done (or skipped).
    deinit { watchdog.stop() }

    public func run() -> RunSummary {
        let start = Date()
        let total = graph.opCount * items.count
        observer?.runStarted(items: items.count, tasks: total, jobs: options.jobs)
        if total > 0 {
            state.withLock { state in
                for item in 0..<items.count {
                    for op in 0..<graph.opCount where graph.dependencyCounts[op] == 0 { state.makeReady(item * graph.opCount + op) }
                }
                pump(&state)
            }
            done.wait()
        }
        let summary = state.withLock { state in
            RunSummary(
                items: items.count, tasks: total, succeededTasks: state.succeeded, failedTasks: state.failedCount,
                skippedTasks: state.skipped, failures: state.failures.sorted { ($0.itemIndex, $0.op) < ($1.itemIndex, $1.op) },
                outputs: state.outputs.sorted(), seconds: Date().timeIntervalSince(start))
        }
        observer?.runFinished(summary)
        return summary
    }
}

import Synchronization

/// Counts each item's task outcomes as the run reports them, so the summary says how many
/// items succeeded, failed, or did not run (`--fail-fast`, cancellation) — the executor's
/// counts are by task.
final class ItemTally: RunObserver, Sendable {
    struct Counts: Sendable, Equatable {
        var succeeded = 0
        var failed = 0
        var skipped = 0
        var cached = 0
    }

    private let opCount: Int
    private let state = Mutex<[String: Counts]>([:])

    init(opCount: Int) {
        self.opCount = opCount
    }

    func runStarted(items: Int, tasks: Int, jobs: Int) {}
    func runFinished(_ summary: RunSummary) {}

    func taskFinished(_ event: TaskEvent, done: Int, total: Int) {
        state.withLock { items in
            var counts = items[event.itemKey] ?? Counts()
            switch event.status {
            case .succeeded: counts.succeeded += 1
            case .failed: counts.failed += 1
            case .skipped: counts.skipped += 1
            }
            if event.cached { counts.cached += 1 }
            items[event.itemKey] = counts
        }
    }

    /// Items whose every task succeeded, items with a failed task, items that did not finish
    /// otherwise (their tasks skipped without a failure of their own); and task totals.
    func items(total: Int) -> (succeeded: Int, failed: Int, notRun: Int, cachedTasks: Int) {
        state.withLock { items in
            let succeeded = items.values.filter { $0.succeeded == opCount }.count
            let failed = items.values.filter { $0.failed > 0 }.count
            let cached = items.values.reduce(0) { $0 + $1.cached }
            return (succeeded, failed, total - succeeded - failed, cached)
        }
    }
}

import Foundation
import ImJoySchema
import ImJoyWorkflow

/// A task's end: bookkeeping under the lock, skips, then the events (outside the lock).
extension WorkflowExecutor {
    func finish(task: Int, outcome: TaskOutcome, event: TaskEvent, worker: Int, record: TaskRecord) {
        var event = event
        let (events, total) = state.withLock { state -> ([TaskEvent], Int) in
            state.running -= 1
            state.freeWorkers.append(worker)
            var events: [TaskEvent] = []
            switch outcome {
            case .success(let (value, files)):
                succeed(task, value: value, files: files, cacheKey: record.cacheKey, state: &state)
            case .failure(let failure):
                event.status = .failed
                event.error = failure.message
                events += fail(task, failure, state: &state)
            }
            release(sourcesOf: task, state: &state)
            events.insert(event, at: 0)
            if let lane = graph.laneOfOp[task % graph.opCount] {
                state.laneBusy[lane] = false
                state.advance(lane: lane)
            }
            for lane in graph.lanes.indices { state.advance(lane: lane) }
            pump(&state)
            return (events, state.taskCount)
        }
        notify(events, total: total)
    }

    private func succeed(_ task: Int, value: JSONValue, files: [String], cacheKey: String?, state: inout State) {
        let opIndex = task % graph.opCount
        let itemIndex = task / graph.opCount
        state.tasks[task] = .succeeded
        state.succeeded += 1
        state.outputs += files
        if graph.consumerCounts[opIndex] > 0 && !state.itemFailed[itemIndex] { state.results[task] = value }
        if cache != nil { state.cacheKeys[task] = cacheKey }
        for dependent in graph.dependents[opIndex] {
            let other = itemIndex * graph.opCount + dependent
            state.remaining[other] -= 1
            if state.remaining[other] == 0 && !state.itemFailed[itemIndex] { state.makeReady(other) }
        }
    }

    private func fail(_ task: Int, _ failure: TaskError, state: inout State) -> [TaskEvent] {
        let itemIndex = task / graph.opCount
        state.tasks[task] = .failed
        state.failedCount += 1
        state.failures.append(
            RunSummary.Failure(
                itemKey: items[itemIndex].key, itemIndex: itemIndex, op: failure.op,
                message: failure.message, error: failure))
        var events = failItem(itemIndex, because: failure.op, state: &state)
        if options.failFast { events += stop(&state) }
        return events
    }

    /// Drops the results (and lazy fallbacks) of `task`'s sources once their last consumer is done.
    private func release(sourcesOf task: Int, state: inout State) {
        let itemIndex = task / graph.opCount
        for source in graph.sources[task % graph.opCount] {
            let sourceTask = itemIndex * graph.opCount + source
            state.consumersLeft[sourceTask] -= 1
            guard state.consumersLeft[sourceTask] == 0 else { continue }
            state.results[sourceTask] = nil
            if let key = state.cacheKeys.isEmpty ? nil : state.cacheKeys[sourceTask], let held = state.lazyFallbacks[key] {
                state.lazyFallbacks[key] = held.holders > 1 ? (held.call, held.holders - 1) : nil
            }
        }
    }

    /// Reports finished tasks to the observer, one call at a time, and signals the end of the
    /// run once every task has been reported — so no event is written after `run()` returns.
    private func notify(_ events: [TaskEvent], total: Int) {
        let complete = notified.withLock { notified in
            for event in events {
                notified += 1
                observer?.taskFinished(event, done: notified, total: total)
            }
            return notified == total
        }
        if complete { done.signal() }
    }

    /// Skips every task of a failed item that has not started; returns their events.
    private func failItem(_ item: Int, because op: String, state: inout State) -> [TaskEvent] {
        state.itemFailed[item] = true
        var events: [TaskEvent] = []
        for opIndex in 0..<graph.opCount {
            let task = item * graph.opCount + opIndex
            state.results[task] = nil
            guard state.tasks[task] == .pending || state.tasks[task] == .ready else { continue }
            state.tasks[task] = .skipped
            state.skipped += 1
            events.append(skippedEvent(task, reason: "skipped: '\(op)' failed for this item"))
        }
        return events
    }

    /// `--fail-fast`: skips every task that has not started.
    private func stop(_ state: inout State) -> [TaskEvent] {
        state.stopped = true
        var events: [TaskEvent] = []
        for task in state.tasks.indices where state.tasks[task] == .pending || state.tasks[task] == .ready {
            state.tasks[task] = .skipped
            state.skipped += 1
            events.append(skippedEvent(task, reason: "skipped: --fail-fast stopped the run"))
        }
        return events
    }

    private func skippedEvent(_ task: Int, reason: String) -> TaskEvent {
        let now = Date().timeIntervalSince1970
        let item = items[task / graph.opCount]
        return TaskEvent(
            itemIndex: item.index, itemKey: item.key, op: plan.ops[task % graph.opCount].id, start: now, end: now,
            worker: nil, status: .skipped, attempts: 0, error: reason)
    }
}

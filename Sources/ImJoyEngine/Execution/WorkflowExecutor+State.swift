import HeapModule
import ImJoySchema

extension WorkflowExecutor {
    enum TaskState: UInt8 { case pending, ready, running, succeeded, failed, skipped }

    /// Everything the scheduler changes while a run goes on, guarded by the executor's lock.
    /// Tasks are numbered `item * opCount + op`.
    struct State {
        let graph: ExecutionGraph
        let itemCount: Int
        /// Per task: dependencies not yet succeeded.
        var remaining: [Int32]
        /// Per task: consumers not yet finished (its result is dropped at 0).
        var consumersLeft: [Int32]
        var tasks: [TaskState]
        var results: [JSONValue?]
        /// Each succeeded task's cache key (only with a cache), so later keys derive from it.
        var cacheKeys: [String?]
        /// Deferred calls by task, until their consumer takes them.
        var deferredCalls: [Int: OpCall] = [:]
        /// The calls that make lazily hit cached results, by cache key, with how many tasks
        /// still hold such a reference: a consumer that finds the entry bad makes the call.
        var lazyFallbacks: [String: (call: OpCall, holders: Int)] = [:]
        var itemFailed: [Bool]
        /// Ready tasks not yet started: earlier items (and earlier ops) first.
        var ready = Heap<Int>()
        var lanePosition: [Int]
        var laneBusy: [Bool]
        var freeWorkers: [Int]
        var running = 0
        var stopped = false
        var succeeded = 0
        var failedCount = 0
        var skipped = 0
        var failures: [RunSummary.Failure] = []
        var outputs: [String] = []

        init(graph: ExecutionGraph, itemCount: Int, jobs: Int, keepsCacheKeys: Bool) {
            self.graph = graph
            self.itemCount = itemCount
            let taskCount = itemCount * graph.opCount
            remaining = [Int32](repeating: 0, count: taskCount)
            consumersLeft = [Int32](repeating: 0, count: taskCount)
            for item in 0..<itemCount {
                for op in 0..<graph.opCount {
                    remaining[item * graph.opCount + op] = graph.dependencyCounts[op]
                    consumersLeft[item * graph.opCount + op] = graph.consumerCounts[op]
                }
            }
            tasks = [TaskState](repeating: .pending, count: taskCount)
            results = [JSONValue?](repeating: nil, count: taskCount)
            cacheKeys = [String?](repeating: nil, count: keepsCacheKeys ? taskCount : 0)
            itemFailed = [Bool](repeating: false, count: itemCount)
            lanePosition = [Int](repeating: 0, count: graph.lanes.count)
            laneBusy = [Bool](repeating: false, count: graph.lanes.count)
            freeWorkers = Array((0..<jobs).reversed())
        }

        var taskCount: Int { tasks.count }

        mutating func makeReady(_ task: Int) {
            guard tasks[task] == .pending else { return }
            tasks[task] = .ready
            if let lane = graph.laneOfOp[task % graph.opCount] {
                advance(lane: lane)
            } else {
                ready.insert(task)
            }
        }

        /// The task at a lane's current position (item-major, then the lane's ops in order).
        func laneTask(_ lane: Int, at position: Int) -> Int? {
            let ops = graph.lanes[lane]
            let item = position / ops.count
            guard item < itemCount else { return nil }
            return item * graph.opCount + ops[position % ops.count]
        }

        /// Moves a lane past finished tasks; queues its head when it is ready and the lane is idle.
        mutating func advance(lane: Int) {
            guard !laneBusy[lane] else { return }
            while let task = laneTask(lane, at: lanePosition[lane]) {
                switch tasks[task] {
                case .succeeded, .failed, .skipped:
                    lanePosition[lane] += 1
                case .ready:
                    laneBusy[lane] = true
                    ready.insert(task)
                    return
                case .pending, .running:
                    return
                }
            }
        }

        /// The next task to start and its worker slot, while fewer than `jobs` run.
        mutating func startNext(jobs: Int) -> (task: Int, worker: Int)? {
            while running < jobs, !stopped, let task = ready.popMin() {
                guard tasks[task] == .ready else { continue }
                tasks[task] = .running
                running += 1
                return (task, freeWorkers.popLast() ?? 0)
            }
            return nil
        }
    }
}

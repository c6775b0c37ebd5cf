import Dispatch
import ImJoySchema
import ImJoyWorkflow

extension WorkflowExecutor {
    /// A task on its way to a queue: its data evaluated under the lock.
    struct TaskLaunch: Sendable {
        var task: Int
        var worker: Int
        var data: Result<JSONValue, DataExpressionError>
        /// The cache keys of the tasks whose results the op uses, by op id.
        var sourceKeys: [String: String]
        /// The op's `answers`, `args` and `kwargs` for the item (`nil` when it has none).
        var callFields: Result<CallFieldValues, DataExpressionError>? = nil
    }

    /// Starts ready tasks while fewer than `jobs` run (under the lock).
    func pump(_ state: inout State) {
        while let (task, worker) = state.startNext(jobs: options.jobs) {
            let launch = prepare(task: task, worker: worker, state: &state)
            let queue = graph.laneOfOp[task % graph.opCount].map { laneQueues[$0] } ?? workerQueues[worker]
            queue.async { self.execute(launch) }
        }
    }

    /// Evaluates the task's data from its item's inputs and earlier results.
    private func prepare(task: Int, worker: Int, state: inout State) -> TaskLaunch {
        let op = task % graph.opCount
        let item = task / graph.opCount
        let results: (String) -> JSONValue? = { id in
            self.graph.opPosition[id].flatMap { state.results[item * self.graph.opCount + $0] }
        }
        let data: Result<JSONValue, DataExpressionError>
        do {
            data = .success(try plan.ops[op].data.evaluate(inputs: items[item].inputs, results: results))
        } catch {
            data = .failure(error)
        }
        var callFields: Result<CallFieldValues, DataExpressionError>?
        if plan.ops[op].spec.hasCallFields {
            do {
                callFields = .success(try CallFieldValues(evaluating: plan.ops[op].spec, inputs: items[item].inputs, results: results))
            } catch {
                callFields = .failure(error)
            }
        }
        var sourceKeys: [String: String] = [:]
        if cache != nil {
            for source in graph.sources[op] {
                if let key = state.cacheKeys[item * graph.opCount + source] { sourceKeys[plan.ops[source].id] = key }
            }
        }
        return TaskLaunch(task: task, worker: worker, data: data, sourceKeys: sourceKeys, callFields: callFields)
    }
}

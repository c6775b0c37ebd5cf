import Dispatch
import ImJoySchema
import ImJoyWorkflow
import Synchronization

/// Attempts, timeouts, the outputs check and handing terminal results to the sink.
extension WorkflowExecutor {
    /// Calls `call` until it succeeds or its attempts (1 + retries) are used up.
    func callWithRetries(_ call: OpCall, isTerminal: Bool) -> (attempts: Int, outcome: TaskOutcome) {
        let allowed = (call.op.spec.retries ?? options.retries) + 1
        var attempts = 0
        var outcome: TaskOutcome
        repeat {
            attempts += 1
            var attempt = call
            attempt.attempt = attempts
            outcome = perform(attempt, isTerminal: isTerminal)
        } while attempts < allowed && (try? outcome.get()) == nil
        return (attempts, outcome)
    }

    /// One attempt: the call (with its timeout), the outputs check, and writing a terminal result.
    private func perform(_ call: OpCall, isTerminal: Bool) -> TaskOutcome {
        let result: JSONValue
        do {
            result = try invokeWithTimeout(call)
        } catch {
            return .failure(error)
        }
        if let problem = checker?.checkOutputs(result, op: call.op, baseDirectory: plan.workflow.baseDirectory) {
            return .failure(TaskError(call, .outputsSchema(problem)))
        }
        return writeTerminal(result, op: call.op, item: call.item, isTerminal: isTerminal)
    }

    /// Hands a terminal result to the sink.
    func writeTerminal(_ result: JSONValue, op: PlannedOp, item: WorkItem, isTerminal: Bool) -> TaskOutcome {
        var files: [String] = []
        if isTerminal, let sink {
            do {
                files = try sink.write(result, op: op, item: item)
            } catch {
                return .failure(TaskError(op: op.id, item: item.key, reason: .writing(error)))
            }
        }
        return .success((result, files))
    }

    private func invokeWithTimeout(_ call: OpCall) throws(TaskError) -> JSONValue {
        guard let timeout = call.op.spec.timeout else {
            do { return try invoker.invoke(call) } catch { throw TaskError(call, .call(error)) }
        }
        let timedOut = TimeoutFlag()
        let token = watchdog.schedule(after: timeout) { [invoker] in
            timedOut.set()
            invoker.cancel(call)
        }
        defer { watchdog.cancel(token) }
        let result = Result { try invoker.invoke(call) }
        if timedOut.isSet { throw TaskError(call, .timedOut(seconds: timeout)) }
        do { return try result.get() } catch { throw TaskError(call, .call(error)) }
    }
}

/// Set by a call's timer when its timeout passes; read by the call's thread.
private final class TimeoutFlag: Sendable {
    private let value = Atomic(false)
    func set() { value.store(true, ordering: .releasing) }
    var isSet: Bool { value.load(ordering: .acquiring) }
}

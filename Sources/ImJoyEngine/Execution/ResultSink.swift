import ImJoySchema
import ImJoyWorkflow

/// Receives each result that no later op consumes, to write it out. Called on worker threads.
public protocol ResultSink: Sendable {
    /// Writes `result` of `op` for `item`; returns the files written (relative to the out dir).
    func write(_ result: JSONValue, op: PlannedOp, item: WorkItem) throws -> [String]
}

/// Checks data against op schemas. Called on worker threads.
public protocol DataChecker: Sendable {
    /// A message when `data` violates the op's `inputs` schema, else `nil`.
    func checkInputs(_ data: JSONValue, op: PlannedOp, baseDirectory: String) -> String?
    /// A message when `result` violates the op's `outputs` schema, else `nil`.
    func checkOutputs(_ result: JSONValue, op: PlannedOp, baseDirectory: String) -> String?
}

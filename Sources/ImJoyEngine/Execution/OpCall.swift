import ImJoySchema
import ImJoyWorkflow

/// One call of an op for one item: what the op receives, and where it sits in the run.
public struct OpCall: Sendable {
    /// The op being called.
    public var op: PlannedOp
    /// The item the call is for.
    public var item: WorkItem
    /// ImJoy's ctx: `config`, `data`, `_variables`, `_op`, `_source_op`, `_workflow_id`, `_transfer`,
    /// and imjoy-run's `_workflow_op` / `_workflow_source_op` (the workflow's op ids).
    public var context: JSONObject
    /// 1 for the first attempt, 2 for the first retry, …
    public var attempt: Int
    /// The run's output folder (built-in writers write under it).
    public var outputDirectory: String
    /// The call's result-cache key when the run uses a cache (also for ops whose results are
    /// not stored: `write-hdf5` keeps its compressed chunks by it).
    public var cacheKey: String?
    /// Set when `data` still holds lazy references to cached results, for ops whose invoker
    /// ``OpInvoker/takesLazyData(_:)``: loads them (and checks the loaded data against the op's
    /// inputs schema) for a call that finds it needs the data after all.
    public var loadData: (@Sendable (JSONValue) throws -> JSONValue)?
    /// The plugin runtime the call runs on (interpreter, packages, host program), when the run
    /// uses a cache: part of the call's cache key.
    public var runtime: RuntimeIdentity?
    /// The op's `answers`, `args` and `kwargs` evaluated for the item against its inputs and
    /// upstream results (set by the executor; `nil`: see ``fieldValues()``).
    public var callFields: CallFieldValues?

    public init(op: PlannedOp, item: WorkItem, context: JSONObject, attempt: Int = 1, outputDirectory: String) {
        self.op = op
        self.item = item
        self.context = context
        self.attempt = attempt
        self.outputDirectory = outputDirectory
    }

    public var config: JSONObject { context["config"]?.objectValue ?? [:] }
    public var data: JSONValue { context["data"] ?? .null }
    public var workflowID: String { context["_workflow_id"]?.stringValue ?? "" }

    /// What the call gets besides its ctx, for its cache key: the op's `answers` and its
    /// `function` with `args`/`kwargs`, as evaluated for the item (`nil` when the op has neither,
    /// so other keys are unchanged).
    public var scriptedParts: JSONValue? {
        let spec = op.spec
        guard spec.hasCallFields else { return nil }
        var parts = JSONObject()
        do {
            let values = try fieldValues()
            for function in values.answers.keys.sorted() { parts["answers.\(function)"] = .array(values.answers[function]!) }
            if let args = values.args { parts["args"] = .array(args) }
            if let kwargs = values.kwargs { parts["kwargs"] = .object(kwargs) }
        } catch {
            parts["unresolved"] = .string("\(error)")
        }
        if let function = spec.function { parts["function"] = .string(function.name) }
        return .object(parts)
    }

    /// The op's `answers`, `args` and `kwargs` for the item: ``callFields`` when the executor
    /// evaluated them, else evaluated from the item's inputs (a `$OPID` then fails: no result).
    public func fieldValues() throws(DataExpressionError) -> CallFieldValues {
        if let callFields { return callFields }
        return try CallFieldValues(evaluating: op.spec, inputs: item.inputs) { _ in nil }
    }

    /// Builds ImJoy's ctx for `op` on `item`.
    ///
    /// As imjoy-core sets them (`pluginManager.js`: `target._op = op_name`), `_op` is the op's own
    /// name (a registered op's name, the plugin's name for its `run`, the built-in's name) and
    /// `_source_op` the name of the op whose result is the data (a list when several, `null` when
    /// the data comes from the inputs). The workflow's op ids are in `_workflow_op` and
    /// `_workflow_source_op`. Unlike ImJoy, which loses these fields unless each plugin echoes
    /// them back, the runner sets them on every call.
    public static func context(
        op: PlannedOp, data: JSONValue, variables: JSONObject, workflowID: String
    ) -> JSONObject {
        func listed(_ values: [String]) -> JSONValue {
            switch values.count {
            case 0: .null
            case 1: .string(values[0])
            default: .array(values.map(JSONValue.string))
            }
        }
        let names = op.sourceOpNames.count == op.sourceOps.count ? op.sourceOpNames : op.sourceOps
        return [
            "config": .object(op.config),
            "data": data,
            "_variables": .object(variables),
            "_op": .string(op.imjoyName),
            "_source_op": listed(names),
            "_workflow_op": .string(op.id),
            "_workflow_source_op": listed(op.sourceOps),
            "_workflow_id": .string(workflowID),
            "_transfer": false,
        ]
    }
}

/// Runs op calls: built-in ops in process, plugin ops through their plugin host.
public protocol OpInvoker: Sendable {
    /// Performs `call` and returns its result. Called on a worker thread; may block.
    func invoke(_ call: OpCall) throws -> JSONValue

    /// Asks a running `call` to stop (its timeout passed). Invokers that cannot interrupt a
    /// call let it finish; its result is then discarded.
    func cancel(_ call: OpCall)

    /// Whether calls of `op` may get data that still holds lazy references to cached results
    /// (with ``OpCall/loadData`` to load them): ops that can often do without the data, such as
    /// `write-hdf5` when the cache has its compressed chunks. Default: `false`.
    func takesLazyData(_ op: PlannedOp) -> Bool

    /// The runtime `op`'s calls run on (interpreter and version, installed packages, host
    /// program), for cache keys and provenance; `nil` for ops that run in process. Default: `nil`.
    func runtimeIdentity(of op: PlannedOp) -> RuntimeIdentity?
}

extension OpInvoker {
    public func cancel(_ call: OpCall) {}
    public func takesLazyData(_ op: PlannedOp) -> Bool { false }
    public func runtimeIdentity(of op: PlannedOp) -> RuntimeIdentity? { nil }
}

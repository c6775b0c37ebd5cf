import ImJoyPlugin
import ImJoySchema
import OrderedCollections

/// A workflow whose plugins resolved and whose ops, configs and references checked out, with
/// its ops in an order that respects every dependency.
public struct ValidatedWorkflow: Sendable {
    public var workflow: Workflow
    /// The loaded plugins by alias.
    public var plugins: OrderedDictionary<String, Plugin>
    /// The ops in dependency order (file order among ops that are ready together).
    public var ops: [PlannedOp]
    /// Things worth knowing that do not stop a run.
    public var warnings: [String]
    /// The plugins the workflow's plugins depend on (`dependencies`), by plugin name; they start
    /// when another plugin calls them (`api.getPlugin`, `api.call`, `api.run`).
    public var dependencies: OrderedDictionary<String, Plugin> = [:]

    /// Ids of ops whose result another op uses (as data, or in `answers`, `args`, `kwargs`).
    public var consumedOps: Set<String> {
        Set(ops.flatMap(\.usedOps))
    }
}

/// One op, ready to be expanded over the items of a batch.
public struct PlannedOp: Sendable {
    /// The op as written.
    public var spec: OpSpec
    /// What the op is (parameters, schemas, purity).
    public var description: OpDescription
    /// The config each call receives: the parameters' defaults with the workflow's values over them.
    public var config: JSONObject
    /// The op's data expression (explicit, or the previous op's result).
    public var data: DataExpression
    /// The ops whose results make up the data (`ctx._source_op`).
    public var sourceOps: [String]
    /// Every op that must finish first for the same item: `sourceOps`, `callSourceOps` and `after`.
    public var dependencies: [String]
    /// The plugin alias, for plugin ops.
    public var pluginAlias: String?
    /// The ops whose results the op's `answers`, `args` and `kwargs` use (not `_source_op`: they
    /// are not its data).
    public var callSourceOps: [String] = []
    /// The ImJoy op names of `sourceOps` (`ctx._source_op`), in the same order.
    public var sourceOpNames: [String] = []

    /// The op's name as ImJoy knows it (`ctx._op`): a registered op's name, the plugin's name for
    /// its `run`, the built-in's name.
    public var imjoyName: String {
        switch spec.target {
        case .builtin(let name): return name
        case .plugin(_, let op?): return op
        case .plugin: return description.name.split(separator: "/").first.map(String.init) ?? description.name
        }
    }

    public var id: String { spec.id }

    /// Every op whose result the op uses: `sourceOps`, then the `callSourceOps` not among them.
    public var usedOps: [String] { sourceOps + callSourceOps.filter { !sourceOps.contains($0) } }

    /// Whether calls for different items may run at once (built-in ops and functional plugins).
    public var isFunctional: Bool { description.isFunctional }
}

import ImJoySchema
import OrderedCollections

/// A workflow: plugins, variables, batch inputs and a DAG of ops (docs/workflow-format.md).
public struct Workflow: Sendable {
    /// The file it was read from.
    public var file: String
    /// The folder relative paths in the workflow are taken from.
    public var baseDirectory: String
    public var name: String
    public var version: String?
    public var description: String?
    /// Plugin aliases and their sources.
    public var plugins: OrderedDictionary<String, PluginSource>
    /// `ctx._variables`, overridable with `--var NAME=VALUE`.
    public var variables: JSONObject
    /// Named batch sources; each item of the batch is one workflow instance.
    public var inputs: OrderedDictionary<String, InputSource>
    /// The ops, in file order.
    public var ops: [OpSpec]
    /// Output defaults (`format`, `path` template).
    public var output: OutputSpec

    public init(
        file: String, baseDirectory: String, name: String, version: String? = nil, description: String? = nil,
        plugins: OrderedDictionary<String, PluginSource> = [:], variables: JSONObject = [:],
        inputs: OrderedDictionary<String, InputSource> = [:], ops: [OpSpec] = [], output: OutputSpec = OutputSpec()
    ) {
        self.file = file
        self.baseDirectory = baseDirectory
        self.name = name
        self.version = version
        self.description = description
        self.plugins = plugins
        self.variables = variables
        self.inputs = inputs
        self.ops = ops
        self.output = output
    }

    /// The op with `id`.
    public func op(_ id: String) -> OpSpec? { ops.first { $0.id == id } }
}

/// Where a workflow's plugin comes from.
public enum PluginSource: Sendable, Equatable, CustomStringConvertible {
    /// A path, `path@TAG`, `DIR:NAME` or `OWNER/REPO:NAME@TAG` (see docs/plugins.md).
    case reference(String)
    /// A plugin found by its config `name` on the plugin search path (ImJoy's saved workflows).
    case name(String)

    public var description: String {
        switch self {
        case .reference(let text): text
        case .name(let name): "plugin named '\(name)'"
        }
    }
}

/// Where a batch input's values come from.
public enum InputSource: Sendable, Equatable {
    /// Files matching a glob pattern, sorted by path (deterministic).
    case glob(String)
    /// An explicit list of files.
    case files([String])
    /// One item per row of a CSV file (header row = keys); `column` picks one column's value.
    case csv(path: String, column: String?)
    /// Literal values, one item each.
    case values([JSONValue])
}

/// How an op's results that no later op consumes are written.
public struct OutputSpec: Sendable, Equatable {
    /// `tiff` or `hdf5` for n-d arrays; `nil` = the run's `--format`.
    public var format: String?
    /// A file name template with `{item}`, `{stem}`, `{op}` (`nil` = `{item}/{op}.EXT`).
    public var path: String?
    /// The HDF5 dataset name (`nil` = the op id).
    public var dataset: String?

    public init(format: String? = nil, path: String? = nil, dataset: String? = nil) {
        self.format = format
        self.path = path
        self.dataset = dataset
    }
}

/// One op of a workflow.
public struct OpSpec: Sendable {
    /// The op's id, unique in the workflow; `$ID` refers to its result.
    public var id: String
    /// What runs: a plugin op or a built-in op.
    public var target: OpTarget
    /// Config values given in the workflow (merged over the op's `ui` defaults when planned).
    public var config: JSONObject
    /// The op's data (`ctx.data`); `nil` takes the previous op's result (ImJoy's linear chain).
    public var data: DataExpression?
    /// Ops that must finish first, without passing data.
    public var after: [String]
    /// Seconds before a call is abandoned (`nil`: no limit).
    public var timeout: Double?
    /// How many times a failed call is retried (`nil`: the run's `--retries`).
    public var retries: Int?
    /// Per-op output override.
    public var output: OutputSpec?
    /// The op's index in `ops`, for JSON paths in errors (`ops[3]`).
    public var index: Int
    /// The container image the op's plugin runs in (`"container"`: `docker://…`, a `.sif` file,
    /// a root folder), over the plugin's own (docs/plugin-hosts.md, "Containers").
    public var container: String?
    /// Scripted answers to the plugin's interactive api calls (`prompt`, `showDialog`, …), by
    /// function, used in call order (``OpAnswers``).
    public var answers: OpAnswers = OpAnswers()
    /// An exported function called instead of `run`, with its arguments (``FunctionCall``).
    public var function: FunctionCall?

    public init(
        id: String, target: OpTarget, config: JSONObject = [:], data: DataExpression? = nil, after: [String] = [],
        timeout: Double? = nil, retries: Int? = nil, output: OutputSpec? = nil, index: Int
    ) {
        self.id = id
        self.target = target
        self.config = config
        self.data = data
        self.after = after
        self.timeout = timeout
        self.retries = retries
        self.output = output
        self.index = index
    }

    /// `ops[INDEX]`.
    public var jsonPath: String { "ops[\(index)]" }
}

/// What an op runs.
public enum OpTarget: Sendable, Equatable, CustomStringConvertible {
    /// `op` of the plugin with alias `plugin`; `nil` = the plugin's own `run`.
    case plugin(alias: String, op: String?)
    /// A built-in op (`read-tiff`, `gaussian`, …).
    case builtin(String)

    public var description: String {
        switch self {
        case .plugin(let alias, let op): op.map { "\(alias)/\($0)" } ?? alias
        case .builtin(let name): name
        }
    }
}

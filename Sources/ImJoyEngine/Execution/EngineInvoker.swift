import ImJoySchema
import ImJoyWorkflow

/// The invoker a run uses: built-in ops in process; plugin ops through their plugin host.
///
/// Plugin hosts (native-python, web-python, web-worker) arrive with their own issues; until a
/// plugin's type has a host, a workflow that calls it is refused before anything runs.
public struct EngineInvoker: OpInvoker {
    private let builtins: BuiltinInvoker

    /// - Throws: ``EngineError/noHost(op:plugin:type:)`` when the plan calls a plugin whose type
    ///   has no host yet.
    public init(plan: WorkflowPlan, hdf5Files: SharedHDF5Files = SharedHDF5Files(), provenance: ProvenanceBuilder? = nil) throws(EngineError) {
        for op in plan.ops {
            guard let alias = op.pluginAlias, let plugin = plan.validated.plugins[alias] else { continue }
            throw .noHost(op: op.id, plugin: plugin.config.name, type: plugin.config.type.rawValue)
        }
        builtins = BuiltinInvoker(baseDirectory: plan.workflow.baseDirectory, hdf5Files: hdf5Files, provenance: provenance)
    }

    public func invoke(_ call: OpCall) throws -> JSONValue {
        try builtins.invoke(call)
    }
}

/// Why a run cannot start.
public enum EngineError: Error, CustomStringConvertible, Sendable {
    case noHost(op: String, plugin: String, type: String)
    case invalidSchema(op: String, which: String, message: String)

    public var description: String {
        switch self {
        case .noHost(let op, let plugin, let type):
            "op '\(op)': plugin \(plugin) is a \(type) plugin, and this build of imjoy-run has no \(type) host yet; built-in ops run now"
        case .invalidSchema(let op, let which, let message):
            "op '\(op)': its \(which) schema does not compile: \(message)"
        }
    }
}

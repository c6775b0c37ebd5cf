import ImJoyPlugin
import ImJoySchema
import ImJoyWorkflow
import ImageIO

/// The invoker a run uses: built-in ops in process; plugin ops through their plugin host.
///
/// Plugins run in ``PluginHosts``, each on its ``HostRuntime`` (native-python and web-python
/// plugins on CPython, web-worker plugins on Node.js). User-interface types (window, iframe, …)
/// cannot run in batch, and a workflow that calls one is refused before anything runs.
public struct EngineInvoker: OpInvoker {
    private let builtins: BuiltinInvoker
    /// Built-in calls with a timeout, on threads of their own (see ``DetachedCalls``).
    private let detached = DetachedCalls()
    /// The plugin hosts, when the plan calls plugins.
    public let plugins: PluginHosts?

    /// - Throws: ``EngineError/userInterfaceOnly(op:plugin:type:)`` when the plan calls a window,
    ///   iframe or other UI plugin; ``EngineError/noHost(op:plugin:type:)`` when it calls a plugin
    ///   whose type has no host; ``EngineError/hostUnavailable(_:)`` when a host cannot be prepared
    ///   (e.g. no Node.js for a web-worker plugin).
    public init(
        plan: WorkflowPlan, hdf5Files: SharedHDF5Files = SharedHDF5Files(), hosts options: PluginHostOptions = PluginHostOptions(),
        provenance: ProvenanceBuilder? = nil, memoryLimit: Int = NDArray.maximumByteCount, remoteClient: RemoteClient = .shared
    ) throws(EngineError) {
        var needsHosts = false
        for op in plan.ops {
            guard let alias = op.pluginAlias, let plugin = plan.validated.plugins[alias] else { continue }
            guard PluginHosts.serves(plugin.config.type) else {
                if Self.userInterfaceTypes.contains(plugin.config.type) {
                    throw .userInterfaceOnly(op: op.id, plugin: plugin.config.name, type: plugin.config.type.rawValue)
                }
                throw .noHost(op: op.id, plugin: plugin.config.name, type: plugin.config.type.rawValue)
            }
            needsHosts = true
        }
        var builtins = BuiltinInvoker(
            baseDirectory: plan.workflow.baseDirectory, hdf5Files: hdf5Files, provenance: provenance,
            remote: RemoteInputs(stateDirectory: options.stateDirectory, client: remoteClient))
        builtins.memoryLimit = memoryLimit
        self.builtins = builtins
        if needsHosts {
            do { plugins = try PluginHosts(plan: plan, options: options) } catch { throw .hostUnavailable(error) }
            plugins?.prestart()
            provenance?.runtimeIdentity = { [plugins] alias in plugins?.runtimeIdentity(alias: alias) }
        } else {
            plugins = nil
        }
    }

    /// Plugin types that exist to show a user interface.
    static let userInterfaceTypes: Set<PluginType> = [.window, .iframe, .webPythonWindow, .rpcWindow]

    public func invoke(_ call: OpCall) throws -> JSONValue {
        if case .plugin(let alias, _) = call.op.spec.target, let plugins, plugins.serves(alias: alias) {
            // Plugins get whole arrays: a lazy one (larger than the memory limit) is read here if it fits.
            var call = call
            call.context["data"] = try builtins.materialisingLazyArrays(in: call.data, op: call.op.id, item: call.item.key)
            return try plugins.invoke(call)
        }
        if Self.runsDetached(call.op) {
            return try detached.run(call) { [builtins] in try builtins.invoke(call) }
        }
        return try builtins.invoke(call)
    }

    /// Whether `op` is a built-in op with a timeout that writes no files: its kernel may block
    /// in a system call no signal ends, so it runs where its timeout can abandon it.
    static func runsDetached(_ op: PlannedOp) -> Bool {
        guard op.spec.timeout != nil, case .builtin(let name) = op.spec.target else { return false }
        return BuiltinOps.declaration(name)?.writesFiles != true
    }

    public func takesLazyData(_ op: PlannedOp) -> Bool {
        if case .builtin = op.spec.target { return builtins.takesLazyData(op) }
        return false
    }

    public func runtimeIdentity(of op: PlannedOp) -> RuntimeIdentity? {
        guard case .plugin(let alias, _) = op.spec.target else { return nil }
        return plugins?.runtimeIdentity(alias: alias)
    }

    public func cancel(_ call: OpCall) {
        if case .plugin(let alias, _) = call.op.spec.target, let plugins, plugins.serves(alias: alias) {
            plugins.cancel(call)
        } else if Self.runsDetached(call.op) {
            detached.cancel(call)
        }
    }

    /// Stops the plugin processes (call once the run is over).
    public func shutdown() {
        plugins?.shutdown()
    }
}

/// Why a run cannot start.
public enum EngineError: Error, CustomStringConvertible, Sendable {
    case noHost(op: String, plugin: String, type: String)
    case userInterfaceOnly(op: String, plugin: String, type: String)
    case invalidSchema(op: String, which: String, message: String)
    /// The plugin hosts cannot be prepared; the underlying error (a ``PluginHostError``, a file error) kept.
    case hostUnavailable(any Error)

    public var description: String {
        switch self {
        case .noHost(let op, let plugin, let type):
            "op '\(op)': " + (PluginType(rawValue: type).batchRefusal(plugin: plugin) ?? "plugin \(plugin) has no host")
        case .userInterfaceOnly(let op, let plugin, let type):
            "op '\(op)': plugin \(plugin) is a \(type) plugin: \(type) plugins show a user interface and cannot run in a batch run; call a web-worker or Python plugin (or a built-in op) for the computation"
        case .invalidSchema(let op, let which, let message):
            "op '\(op)': its \(which) schema does not compile: \(message)"
        case .hostUnavailable(let error):
            "the plugin host cannot start: \(error)"
        }
    }
}

import Foundation
import ImJoyPlugin
import ImJoySchema
import ImJoyWorkflow
import Synchronization

/// The plugin hosts of one run, one per plugin, each on its ``HostRuntime`` (native-python and
/// web-python plugins on CPython, web-worker plugins on Node.js); all share pools, the api,
/// faults and state.
///
/// Processes start lazily at a plugin's first call. ``shutdown(grace:)`` stops them all;
/// ``PluginHosts/killAll()`` and ``PluginHosts/terminateAll(grace:)`` are for signal handlers.
/// By concern: the api plugins call (`+API`), window outputs (`+Windows`), how each runtime is
/// launched (`+Launch`), the process-wide registry (``HostRegistry``) and `/dev/shm`
/// (``SharedMemoryJanitor``).
public final class PluginHosts: Sendable {
    let hostsByAlias: [String: PluginHost]
    let hostsByName: [String: PluginHost]
    /// Why each plugin of the run that no host runs (a window plugin) is refused, by name.
    let unhosted: [String: String]
    let state: PluginStateStore
    /// The workflow file's folder (relative answer paths are taken from it).
    let baseDirectory: String
    /// The process serving each call in flight (`op#item`), so a timeout can kill it.
    private let inflight = Mutex<[String: PluginProcess]>([:])

    /// Whether `type` runs on some host.
    public static func serves(_ type: PluginType) -> Bool {
        HostRuntime(serving: type) != nil
    }

    /// Prepares a host for every plugin `plan` uses that runs on a ``HostRuntime`` (nothing
    /// starts yet), after removing the `/dev/shm` segments of runners that died.
    public init(plan: WorkflowPlan, options: PluginHostOptions) throws {
        SharedMemoryJanitor.reclaimStale()
        state = try PluginStateStore(root: Self.absolute(options.stateDirectory))
        baseDirectory = plan.validated.workflow.baseDirectory
        var byAlias: [String: PluginHost] = [:]
        var byName: [String: PluginHost] = [:]
        var launches: [String: HostLaunch] = [:]
        for (alias, declared) in plan.validated.plugins where Self.serves(declared.config.type) {
            let plugin = try Self.withOpContainer(declared, alias: alias, plan: plan)
            let identity =
                plugin.config.name + "@" + (plugin.config.tag ?? "")
                + (plugin.config.fields["container"]?.stringValue.map { "@" + $0 } ?? "")
            if let existing = byName[identity] {
                byAlias[alias] = existing
                continue
            }
            let launch = try launches[identity] ?? Self.launch(for: plugin, options: options)
            launches[identity] = launch
            let flags = plugin.config.flags
            let capacity = flags.isFunctional && !flags.isSingleInstance ? options.jobs : 1
            let host = PluginHost(plugin: plugin, capacity: capacity, launch: launch, state: state, observer: options.observer)
            byAlias[alias] = host
            byName[identity] = host
            byName[plugin.config.name] = byName[plugin.config.name] ?? host
        }
        unhosted = try Self.dependencyHosts(plan: plan, options: options, state: state, byName: &byName, launches: &launches)
        hostsByAlias = byAlias
        hostsByName = byName
        for host in distinctHosts {
            let origin = PluginEvent.Origin(op: "setup", item: "", itemIndex: -1)
            host.serveSetupAPI { [weak self, unowned host] function, request in
                guard let self else { throw PluginHostError.other("the run is stopping") }
                return try api(function, request, caller: host, origin: origin, session: nil)
            }
        }
        HostRegistry.shared.add(self)
    }

    /// Starts one process per plugin in the background, so that interpreter start, imports and
    /// `setup()` overlap with the run's first built-in ops. A failure here is reported by the
    /// first call.
    public func prestart() {
        var seen = Set<ObjectIdentifier>()
        // The workflow's own plugins; a dependency starts at its first call.
        for host in hostsByAlias.values where seen.insert(ObjectIdentifier(host)).inserted {
            DispatchQueue.global().async {
                if let process = try? host.acquire() { host.release(process, healthy: true) }
            }
        }
    }

    /// Whether the plan's op `alias` is served here.
    public func serves(alias: String) -> Bool { hostsByAlias[alias] != nil }

    /// The runtime `alias`'s plugin runs on, for cache keys and provenance (``RuntimeIdentity``).
    public func runtimeIdentity(alias: String) -> RuntimeIdentity? {
        guard let launch = hostsByAlias[alias]?.launch else { return nil }
        return RuntimeIdentity.identify(
            command: launch.identityCommand, runtime: launch.runtime == .javascript ? "node" : "python",
            hostProgram: launch.hostScript, environment: launch.environment)
    }

    /// Processes started so far for the plugin with alias `alias` (tests).
    public func processCount(alias: String) -> Int { hostsByAlias[alias]?.processCount ?? 0 }

    /// Each host once (several aliases may share one), the plugins' dependencies included.
    var distinctHosts: [PluginHost] {
        var seen = Set<ObjectIdentifier>()
        return (Array(hostsByAlias.values) + Array(hostsByName.values)).filter { seen.insert(ObjectIdentifier($0)).inserted }
    }

    // MARK: - Calls

    /// Calls the op of `call` in one of its plugin's processes.
    public func invoke(_ call: OpCall) throws -> JSONValue {
        guard case .plugin(let alias, let opName) = call.op.spec.target, let host = hostsByAlias[alias] else {
            throw PluginHostError.other("op '\(call.op.id)' is not a plugin op of this run")
        }
        let op = opName == host.name || call.op.spec.function != nil ? nil : opName
        let itemDirectory = Self.absolute(call.outputDirectory) + "/" + call.item.key
        let session = try session(for: call)
        let (method, arguments) = try Self.arguments(of: call)
        let origin = PluginEvent.Origin(op: call.op.id, item: call.item.key, itemIndex: call.item.index)
        let process = try host.acquire()
        let key = Self.key(call)
        inflight.withLock { $0[key] = process }
        defer { _ = inflight.withLock { $0.removeValue(forKey: key) } }
        let result: JSONValue
        do {
            result = try process.call(
                op: op, method: method, arguments: arguments, config: call.config,
                outputDirectory: itemDirectory, origin: origin,
                api: apiHandler(host: host, process: process, origin: origin, session: session),
                onWindow: { session.record(window: $0) })
        } catch {
            // A plugin that raised keeps its process; a crash, kill or broken pipe loses it.
            host.release(process, healthy: (error as? PluginHostError)?.isRaisedByPlugin == true)
            throw error
        }
        host.release(process, healthy: true)
        try writeWindows(session.windows, call: call, directory: itemDirectory)
        return result
    }

    /// Kills the process running `call` and its children (its timeout passed); the pool starts
    /// a new one later.
    public func cancel(_ call: OpCall) {
        cancelCrossPluginCalls(of: call)
        inflight.withLock { $0[Self.key(call)] }?.kill()
    }

    /// Stops every process (asks them to exit, then kills them and their children after
    /// `grace` seconds).
    public func shutdown(grace: Double = 1) {
        for host in distinctHosts { host.shutdown(grace: grace) }
        HostRegistry.shared.remove(self)
    }

    // MARK: - Helpers

    private static func key(_ call: OpCall) -> String { "\(call.op.id)#\(call.item.index)" }

    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}

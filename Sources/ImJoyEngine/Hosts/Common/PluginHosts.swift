import Foundation
import ImageIO
import ImJoyPlugin
import ImJoySchema
import ImJoyWorkflow

#if canImport(Glibc)
import Glibc
#endif

/// Options of the Python plugin hosts of a run.
public struct PluginHostOptions: Sendable {
    /// `--python PATH`: the interpreter for every Python plugin (over prepared environments and `cmd`).
    public var interpreter: String?
    /// The run's state folder (plugin logs, `setConfig` values, WORK_DIR).
    public var stateDirectory: String
    /// Where `imjoy-run env` keeps prepared environments.
    public var environmentCache: String
    /// The pool size of functional plugins (`--jobs`).
    public var jobs: Int
    /// Node.js and the script cache, for web-worker plugins.
    public var javascript: JavaScriptHostOptions
    /// Receives the plugins' output lines and api messages (``RunObserver/pluginEvents(_:)``);
    /// they also go to each plugin's log.
    public var observer: (any RunObserver)?

    public init(
        interpreter: String? = nil, stateDirectory: String = "out/.imjoy-run",
        environmentCache: String = PythonEnvironment.defaultCacheRoot(), jobs: Int = RunOptions.defaultJobs(),
        javascript: JavaScriptHostOptions = JavaScriptHostOptions(),
        observer: (any RunObserver)? = nil
    ) {
        self.interpreter = interpreter
        self.stateDirectory = stateDirectory
        self.environmentCache = environmentCache
        self.jobs = max(1, jobs)
        self.javascript = javascript
        self.observer = observer
    }
}

/// The plugin hosts of one run, one per plugin: native-python and web-python plugins on CPython,
/// web-worker plugins on Node.js (``HostRuntime``); both share pools, api, faults and state.
///
/// Processes start lazily at a plugin's first call. ``shutdown()`` stops them all;
/// ``PluginHosts/killAll()`` is for signal handlers.
public final class PluginHosts: @unchecked Sendable {
    private var hostsByAlias: [String: PluginHost] = [:]
    private var hostsByName: [String: PluginHost] = [:]
    private let state: PluginStateStore
    private let lock = NSLock()
    private var inflight: [String: PluginProcess] = [:]

    /// Whether `type` runs on this host.
    public static func serves(_ type: PluginType) -> Bool {
        HostRuntime(serving: type) != nil
    }

    /// Prepares a host for every Python and web-worker plugin `plan` uses (nothing starts yet).
    public init(plan: WorkflowPlan, options: PluginHostOptions) throws {
        state = try PluginStateStore(root: Self.absolute(options.stateDirectory))
        let hostScript = try PythonInterpreter.hostScript()
        var launches: [String: PythonLaunch] = [:]
        for (alias, plugin) in plan.validated.plugins where Self.serves(plugin.config.type) {
            let identity = plugin.config.name + "@" + (plugin.config.tag ?? "")
            if let existing = hostsByName[identity] {
                hostsByAlias[alias] = existing
                continue
            }
            let launch = try launches[identity] ?? Self.launch(for: plugin, options: options, hostScript: hostScript)
            launches[identity] = launch
            let flags = plugin.config.flags
            let capacity = flags.isFunctional && !flags.isSingleInstance ? options.jobs : 1
            let host = PluginHost(plugin: plugin, capacity: capacity, launch: launch, state: state, observer: options.observer)
            hostsByAlias[alias] = host
            hostsByName[identity] = host
            hostsByName[plugin.config.name] = hostsByName[plugin.config.name] ?? host
        }
        HostRegistry.shared.add(self)
    }

    /// Starts one process per plugin in the background, so that interpreter start, imports and
    /// `setup()` overlap with the run's first built-in ops. A failure here is reported by the
    /// first call.
    public func prestart() {
        var seen = Set<ObjectIdentifier>()
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
        return RuntimeIdentity.identify(command: launch.interpreter, runtime: launch.runtime == .node ? "node" : "python",
                                        hostProgram: launch.hostScript, environment: launch.environment)
    }

    /// Processes started so far for the plugin with alias `alias` (tests).
    public func processCount(alias: String) -> Int { hostsByAlias[alias]?.processCount ?? 0 }

    // MARK: - Calls

    /// Calls the op of `call` in one of its plugin's processes.
    public func invoke(_ call: OpCall) throws -> JSONValue {
        guard case .plugin(let alias, let opName) = call.op.spec.target, let host = hostsByAlias[alias] else {
            throw PluginHostError.other("op '\(call.op.id)' is not a Python plugin op")
        }
        let op = opName == host.name ? nil : opName
        let itemDirectory = Self.absolute(call.outputDirectory) + "/" + call.item.key
        var windows: [JSONObject] = []
        let origin = PluginEvent.Origin(op: call.op.id, item: call.item.key, itemIndex: call.item.index)
        let process = try host.acquire()
        let key = Self.key(call)
        lock.lock()
        inflight[key] = process
        lock.unlock()
        defer {
            lock.lock()
            inflight[key] = nil
            lock.unlock()
        }
        do {
            let result = try process.call(
                op: op, method: nil, arguments: [.object(call.context)], config: call.config,
                outputDirectory: itemDirectory, origin: origin,
                api: { [self] function, request in try api(function, request, caller: host, origin: origin) },
                onWindow: { windows.append($0) })
            host.release(process, healthy: true)
            try writeWindows(windows, call: call, directory: itemDirectory)
            return result
        } catch let error as PluginHostError {
            if case .python = error {
                host.release(process, healthy: true)
            } else {
                host.release(process, healthy: false)
            }
            throw error
        } catch {
            host.release(process, healthy: false)
            throw error
        }
    }

    /// Kills the process running `call` (its timeout passed); the pool starts a new one later.
    public func cancel(_ call: OpCall) {
        lock.lock()
        let process = inflight[Self.key(call)]
        lock.unlock()
        process?.kill()
    }

    /// Stops every process (asks them to exit, then kills them after `grace` seconds).
    public func shutdown(grace: Double = 1) {
        var done = Set<ObjectIdentifier>()
        for host in hostsByAlias.values where done.insert(ObjectIdentifier(host)).inserted {
            host.shutdown(grace: grace)
        }
        HostRegistry.shared.remove(self)
    }

    /// Kills every process of every run at once.
    public static func killAll() {
        for hosts in HostRegistry.shared.all {
            for host in hosts.hostsByAlias.values { host.killAll() }
        }
    }

    /// For SIGINT/SIGTERM handlers: forwards SIGTERM to every plugin process, waits up to
    /// `grace` seconds for them to exit, then kills the rest.
    public static func terminateAll(grace: Double) {
        let hosts = HostRegistry.shared.all.flatMap { $0.hostsByAlias.values }
        for host in hosts { host.signalAll(SIGTERM) }
        let deadline = Date().addingTimeInterval(grace)
        while Date() < deadline, hosts.contains(where: { $0.hasLiveProcesses }) { usleep(20_000) }
        for host in hosts { host.killAll() }
        // The calls that would have removed their shared memory never return: remove it here.
        let prefixes = ["imjoy-run-\(getpid())-"] + hosts.flatMap { host in
            host.processIDs.map { "\(host.launch.runtime.hostSegmentPrefix)\($0)-" }
        }
        if let names = try? FileManager.default.contentsOfDirectory(atPath: "/dev/shm") {
            for name in names where prefixes.contains(where: name.hasPrefix) { unlink("/dev/shm/" + name) }
        }
    }

    // MARK: - The api

    /// Answers an api request of `caller`, serving the call of `origin`.
    private func api(_ function: String, _ request: JSONObject, caller: PluginHost, origin: PluginEvent.Origin) throws -> JSONValue {
        switch function {
        case "getConfig":
            guard let name = request["name"]?.stringValue else {
                return .null
            }
            if name.hasPrefix("_") { return caller.plugin.config.fields[String(name.dropFirst())] ?? .null }
            return state.config(of: caller.name, name: name)
        case "setConfig":
            guard let name = request["name"]?.stringValue else { throw PluginHostError.other("api.setConfig needs a name") }
            try state.setConfig(of: caller.name, name: name, value: request["value"] ?? .null)
            return .null
        case "getPlugin":
            _ = try target(request["plugin"]?.stringValue)
            return .null
        case "call":
            let target = try target(request["plugin"]?.stringValue)
            if target === caller && target.capacity == 1 {
                throw PluginHostError.other("plugin \(caller.name) cannot call itself: it has one process and it is busy")
            }
            let method = request["method"]?.stringValue ?? "run"
            let process = try target.acquire()
            do {
                let value = try process.call(
                    op: nil, method: method, arguments: request["args"]?.arrayValue ?? [], config: [:],
                    outputDirectory: ".", origin: origin,
                    api: { [self] function, request in try api(function, request, caller: target, origin: origin) },
                    onWindow: { _ in })
                target.release(process, healthy: true)
                return value
            } catch let error as PluginHostError {
                if case .python = error { target.release(process, healthy: true) } else { target.release(process, healthy: false) }
                throw error
            }
        default:
            throw PluginHostError.other("api.\(function) is not available in batch runs (imjoy-run)")
        }
    }

    private func target(_ name: String?) throws -> PluginHost {
        guard let name, let host = hostsByName[name] ?? hostsByAlias[name] else {
            throw PluginHostError.other(
                "plugin \(name ?? "(none)") is not loaded in this run; imjoy-run calls Python plugins that the workflow names in 'plugins'")
        }
        return host
    }

    // MARK: - Windows

    /// `createWindow` / `showDialog` configs become outputs of the op: a window's ndarray `data`
    /// as TIFF, everything else as JSON.
    private func writeWindows(_ windows: [JSONObject], call: OpCall, directory: String) throws {
        guard !windows.isEmpty else { return }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (index, message) in windows.enumerated() {
            var window = message["window"]?.objectValue ?? [:]
            let stem = directory + "/" + OutputPaths.sanitized(call.op.id) + ".window\(index + 1)"
            if let data = window["data"], BuiltinInvoker.isNDArray(data) {
                let array = try NDArray(rpcValue: data)
                try FileOps.writeTIFF(array, to: URL(fileURLWithPath: stem + ".tif"), compression: .deflate(level: 6), imageJ: false)
                window["data"] = ["path": .string(URL(fileURLWithPath: stem + ".tif").lastPathComponent)]
            }
            window["_fn"] = message["fn"] ?? .null
            try Data(JSONValue.object(window).serialized(.prettyPrinted).utf8)
                .write(to: URL(fileURLWithPath: stem + ".json"), options: .atomic)
        }
    }

    // MARK: - Helpers

    private static func key(_ call: OpCall) -> String { "\(call.op.id)#\(call.item.index)" }

    private static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    /// The interpreter and environment for `plugin`: `--python`, else a prepared environment,
    /// else the plugin's `cmd` on PATH.
    static func launch(for plugin: Plugin, options: PluginHostOptions, hostScript: String) throws -> PythonLaunch {
        if HostRuntime(serving: plugin.config.type) == .node {
            return try JavaScriptRuntime.launch(for: plugin, options: options.javascript)
        }
        var environment = ProcessInfo.processInfo.environment
        let interpreter: [String]
        let prepared = PythonEnvironment(plugin: plugin, cacheRoot: options.environmentCache)
        if let chosen = options.interpreter {
            interpreter = try PythonInterpreter.resolve(chosen)
        } else if prepared.isReady {
            interpreter = [prepared.python]
            environment["VIRTUAL_ENV"] = prepared.directory
            environment["PATH"] = prepared.directory + "/bin:" + (environment["PATH"] ?? "/usr/bin:/bin")
        } else {
            let command = plugin.config.command.isEmpty ? "python" : plugin.config.command
            do {
                interpreter = try PythonInterpreter.resolve(command)
            } catch {
                interpreter = try PythonInterpreter.resolve(command == "python" ? "python3" : command)
            }
        }
        for entry in plugin.config.environment {
            if case .variables(let variables) = entry { environment.merge(variables) { $1 } }
        }
        environment["PYTHONUNBUFFERED"] = "1"
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        return PythonLaunch(interpreter: interpreter, hostScript: hostScript, environment: environment)
    }
}

/// Every live ``PluginHosts`` of the process, so that signal handlers can stop them.
final class HostRegistry: @unchecked Sendable {
    static let shared = HostRegistry()
    private let lock = NSLock()
    private var hosts: [ObjectIdentifier: PluginHosts] = [:]

    func add(_ host: PluginHosts) {
        lock.lock()
        hosts[ObjectIdentifier(host)] = host
        lock.unlock()
    }

    func remove(_ host: PluginHosts) {
        lock.lock()
        hosts[ObjectIdentifier(host)] = nil
        lock.unlock()
    }

    var all: [PluginHosts] {
        lock.lock()
        defer { lock.unlock() }
        return Array(hosts.values)
    }
}

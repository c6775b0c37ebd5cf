import Foundation
import ImJoyPlugin
import ImJoySchema
import ImJoyWorkflow
import Synchronization

extension PluginHosts {
    // MARK: - Cross-plugin calls

    /// The api functions served here: `getPlugin`, `call`, `run` (another plugin's exported
    /// functions, in its own process) and `callback` (a function passed as an argument, called
    /// back in the process that passed it).
    static let crossPluginFunctions: Set<String> = ["getPlugin", "call", "run", "callback"]

    /// The api handler of `process` (of `host`) serving `origin`: cross-plugin functions here,
    /// everything else through ``api(_:_:caller:origin:)``.
    ///
    /// - Parameter chain: the calls this one is nested in, innermost last: who called whom. A
    ///   `callback` request is sent to the process that made the innermost call (the one whose
    ///   arguments held the function).
    func apiHandler(
        host: PluginHost, process: PluginProcess, origin: PluginEvent.Origin, session: CallSession? = nil, chain: [CrossPluginCall] = []
    ) -> PluginProcess.APIHandler {
        { [self] function, request in
            guard Self.crossPluginFunctions.contains(function) else {
                return try api(function, request, caller: host, origin: origin, session: session)
            }
            if function == "callback" { return try callBack(request, chain: chain, origin: origin) }
            return try crossPluginCall(
                function, request, caller: CrossPluginCall(host: host, process: process), origin: origin, chain: chain)
        }
    }

    /// `getPlugin(name)`: checks the plugin is loaded (its proxy lives in the caller's host);
    /// `call(plugin, method, ...args)` / `run(plugin, ctx)`: the other plugin's exported function.
    private func crossPluginCall(
        _ function: String, _ request: JSONObject, caller: CrossPluginCall, origin: PluginEvent.Origin, chain: [CrossPluginCall]
    ) throws -> JSONValue {
        let target = try loadedPlugin(request["plugin"]?.stringValue, function: function, caller: caller.host)
        if function == "getPlugin" { return .object(["name": .string(target.name)]) }
        let method = function == "run" ? "run" : (request["method"]?.stringValue ?? "run")
        let busy = (chain + [caller]).contains { $0.host === target }
        if busy && target.capacity == 1 {
            throw PluginHostError.other(
                "api.\(function)(\(target.name), \(method)): \(target.name) is busy serving this very call (it has one process); a plugin cannot call itself or a plugin that called it"
            )
        }
        var arguments = request["args"]?.arrayValue ?? []
        if function == "run" { arguments = [request["ctx"] ?? arguments.first ?? .object([:])] }
        let key = nestedKey(origin)
        let held = (chain + [caller]).map(\.host)
        let process: PluginProcess
        if target.capacity == 1 {
            try Self.waits.willWait(chain: key, holds: held, for: target)
            defer { Self.waits.done(chain: key) }
            process = try target.acquire()
        } else {
            process = try target.acquire()
        }
        Self.nestedInFlight.withLock { $0[key, default: []].append(process) }
        defer {
            Self.nestedInFlight.withLock {
                $0[key]?.removeAll { $0 === process }
                if $0[key]?.isEmpty == true { $0[key] = nil }
            }
        }
        do {
            let value = try process.call(
                op: nil, method: method, arguments: arguments, config: [:], outputDirectory: ".", origin: origin,
                api: apiHandler(host: target, process: process, origin: origin, chain: chain + [caller]),
                onWindow: { _ in })
            target.release(process, healthy: true)
            return value
        } catch {
            target.release(process, healthy: (error as? PluginHostError)?.isRaisedByPlugin == true)
            throw error
        }
    }

    /// Calls function `id` back in the process that passed it (the caller of the innermost
    /// cross-plugin call), which is waiting for that call's answer and serves it meanwhile.
    private func callBack(_ request: JSONObject, chain: [CrossPluginCall], origin: PluginEvent.Origin) throws -> JSONValue {
        guard let owner = chain.last, let id = request["id"] else {
            throw PluginHostError.other("a callback was called outside the call that passed it")
        }
        let message: JSONObject = ["t": "callback", "id": id, "args": request["args"] ?? .array([])]
        do {
            return try owner.process.exchange(
                message, api: apiHandler(host: owner.host, process: owner.process, origin: origin, chain: chain.dropLast()),
                onWindow: { _ in })
        } catch let error as PluginHostError {
            throw error.attributed(to: owner.host.launch.runtime, plugin: owner.host.name)
        }
    }

    /// The processes serving cross-plugin calls for each op call in flight (`hosts/op#item`), so
    /// that a timeout or a stop kills them with the op's own process (no runner thread is left
    /// waiting on a dependency).
    static let nestedInFlight = Mutex<[String: [PluginProcess]]>([:])
    /// Waits of cross-plugin calls for single-process plugins (a wait that would never end fails).
    static let waits = CrossPluginWaits()

    private func nestedKey(_ origin: PluginEvent.Origin) -> String {
        "\(ObjectIdentifier(self).hashValue)/\(origin.op)#\(origin.itemIndex)"
    }

    /// Kills the processes serving cross-plugin calls of `call` (its timeout passed).
    func cancelCrossPluginCalls(of call: OpCall) {
        let key = "\(ObjectIdentifier(self).hashValue)/\(call.op.id)#\(call.item.index)"
        for process in Self.nestedInFlight.withLock({ $0[key] ?? [] }) { process.kill() }
    }

    /// The host of plugin `name` (by name, alias or dependency), or an error naming it.
    private func loadedPlugin(_ name: String?, function: String, caller: PluginHost) throws -> PluginHost {
        guard let name, !name.isEmpty else {
            throw PluginHostError.other("api.\(function) needs a plugin name")
        }
        if let host = hostsByName[name] ?? hostsByAlias[name] ?? hostsByName[name.replacingOccurrences(of: "_", with: " ")] {
            return host
        }
        if let reason = unhosted[name] {
            throw PluginHostError.other("api.\(function)(\(name)): \(reason)")
        }
        throw PluginHostError.other(
            "api.\(function)(\(name)): plugin \(name) is not loaded in this run; list it in the plugin's \"dependencies\" (resolved beside the plugin, with --plugins or IMJOY_PLUGIN_PATH) or in the workflow's \"plugins\""
        )
    }

    /// Adds a host (by name only) for each dependency of the plan's plugins, and the reason each
    /// dependency no host can run is refused.
    static func dependencyHosts(
        plan: WorkflowPlan, options: PluginHostOptions, state: PluginStateStore,
        byName: inout [String: PluginHost], launches: inout [String: HostLaunch]
    ) throws -> [String: String] {
        var refused: [String: String] = [:]
        let all = Array(plan.validated.plugins.values) + Array(plan.validated.dependencies.values)
        for plugin in all where !serves(plugin.config.type) {
            refused[plugin.config.name] =
                WorkflowValidator.headlessRefusal(plugin: plugin.config.name, type: plugin.config.type)
                ?? "plugin \(plugin.config.name) is a \(plugin.config.type.rawValue) plugin, which no host of imjoy-run runs"
        }
        for plugin in plan.validated.dependencies.values where serves(plugin.config.type) && byName[plugin.config.name] == nil {
            let identity = plugin.config.name + "@" + (plugin.config.tag ?? "")
            let launch = try launches[identity] ?? launch(for: plugin, options: options)
            launches[identity] = launch
            // Several ops may call a dependency at once (and pass it callbacks that call other
            // dependencies): one process per job, so that concurrent chains never wait on each
            // other; `single-instance` keeps one.
            let capacity = plugin.config.flags.isSingleInstance ? 1 : options.jobs
            let host = PluginHost(plugin: plugin, capacity: capacity, launch: launch, state: state, observer: options.observer)
            byName[identity] = host
            byName[plugin.config.name] = host
        }
        return refused
    }
}

/// One cross-plugin call in flight: the plugin that made it and the process it made it from.
struct CrossPluginCall {
    let host: PluginHost
    let process: PluginProcess
}

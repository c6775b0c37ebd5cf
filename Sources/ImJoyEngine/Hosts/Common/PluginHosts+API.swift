import Foundation
import ImJoyPlugin
import ImJoySchema

extension PluginHosts {
    // MARK: - The api

    /// Answers an api request of `caller`, serving the call of `origin`.
    func api(_ function: String, _ request: JSONObject, caller: PluginHost, origin: PluginEvent.Origin) throws -> JSONValue {
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
                throw PluginHostError(.other("cannot call itself: it has one process and it is busy"), runtime: caller.launch.runtime, plugin: caller.name)
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
            } catch {
                target.release(process, healthy: (error as? PluginHostError)?.isRaisedByPlugin == true)
                throw error
            }
        default:
            throw PluginHostError.other("api.\(function) is not available in batch runs (imjoy-run)")
        }
    }

    private func target(_ name: String?) throws -> PluginHost {
        guard let name, let host = hostsByName[name] ?? hostsByAlias[name] else {
            throw PluginHostError.other(
                "plugin \(name ?? "(none)") is not loaded in this run; imjoy-run calls the plugins that the workflow names in 'plugins'")
        }
        return host
    }
}

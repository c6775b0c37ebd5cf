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
        default:
            throw PluginHostError.other("api.\(function) is not available in batch runs (imjoy-run)")
        }
    }
}

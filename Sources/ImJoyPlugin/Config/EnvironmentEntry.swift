import ImJoySchema

/// One entry of a plugin's `env`: a command that prepares the environment (usually
/// `conda create -n NAME python=3.6`), environment variables, or another typed entry.
public enum EnvironmentEntry: Sendable, Hashable {
    /// A shell command (ImJoy runs these with conda; imjoy-run only with `--allow-install`).
    case command(String)
    /// `{type: "variable", options: {NAME: VALUE}}`: environment variables for the plugin process.
    case variables([String: String])
    /// Any other typed entry (`gputil`, `binder`, …), kept as written.
    case other(type: String, value: JSONValue)

    /// Parses one entry (a string or an object).
    static func parse(_ value: JSONValue, at location: PluginLocation) throws(PluginError) -> EnvironmentEntry {
        switch value {
        case .string(let command):
            return .command(command)
        case .object(let object):
            guard let type = object["type"]?.stringValue else {
                throw .invalidField(location, reason: "an env entry object needs a string 'type'")
            }
            if type == "variable" {
                var variables: [String: String] = [:]
                for (name, value) in object["options"]?.objectValue ?? [:] {
                    variables[name] = value.stringValue ?? value.serialized()
                }
                return .variables(variables)
            }
            return .other(type: type, value: value)
        default:
            throw .invalidField(location, reason: "an env entry must be a string or an object, not \(value.typeName)")
        }
    }
}

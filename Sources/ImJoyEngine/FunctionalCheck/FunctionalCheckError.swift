import ImJoyPlugin

/// Why `check-functional` could not test a plugin (bad input, not a violation): exit code 2.
public enum FunctionalCheckError: Error, CustomStringConvertible, Sendable {
    /// The plugin cannot be found, read or parsed (the error names the file).
    case plugin(PluginError)
    /// The plugin does not run on a host the checker drives.
    case unsupportedType(file: String, type: String)
    /// An `--input` file cannot be read.
    case input(file: String, reason: String)
    /// An option's JSON does not parse or has the wrong shape (`--config`, `--data`).
    case option(name: String, reason: String)
    /// The op is not registered by the plugin.
    case unknownOp(file: String, op: String, registered: [String])
    /// The plugin failed to start or set up.
    case setup(file: String, reason: String)
    /// A call did not return within the timeout (its process was killed).
    case timedOut(file: String, op: String, input: String, call: Int, seconds: Double)
    /// The op raised on an input in a fresh process, so there is nothing to compare.
    case opFailed(file: String, op: String, input: String, reason: String)

    public var description: String {
        switch self {
        case .plugin(let error): error.description
        case .unsupportedType(let file, let type):
            "\(file): check-functional drives Python and web-worker plugins (native-python, web-python, web-worker), not type '\(type)'"
        case .input(let file, let reason): "input \(file): \(reason)"
        case .option(let name, let reason): "\(name): \(reason)"
        case .unknownOp(let file, let op, let registered):
            "\(file): op '\(op)' is not registered (the plugin registers: \(registered.isEmpty ? "none" : registered.joined(separator: ", ")))"
        case .setup(let file, let reason): "\(file): \(reason)"
        case .timedOut(let file, let op, let input, let call, let seconds):
            "\(file): op '\(op)', call \(call) on \(input), did not return within \(seconds.formatted()) s (--timeout); its process was killed"
        case .opFailed(let file, let op, let input, let reason):
            "\(file): op '\(op)' failed on \(input) in a fresh process, so its results cannot be compared: \(reason)"
        }
    }
}

import Foundation
import ImJoyPlugin

/// Options of the Python host of native-python and web-python plugins.
public struct PythonHostOptions: Sendable {
    /// `--python PATH`: the interpreter for every Python plugin (over prepared environments and `cmd`).
    public var interpreter: String?
    /// Where `imjoy-run env` keeps prepared environments.
    public var environmentCache: String

    public init(interpreter: String? = nil, environmentCache: String = PythonEnvironment.defaultCacheRoot()) {
        self.interpreter = interpreter
        self.environmentCache = environmentCache
    }
}

/// The ``HostRuntime/python`` runtime: CPython running `imjoy_host.py`.
enum PythonRuntime {
    /// The interpreter and environment for `plugin`: `--python`, else a prepared environment,
    /// else the plugin's `cmd` on PATH.
    static func launch(for plugin: Plugin, options: PythonHostOptions) throws(PluginHostError) -> HostLaunch {
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
        return HostLaunch(
            runtime: .python, interpreter: interpreter, hostScript: try HostRuntime.python.hostProgram(), environment: environment)
    }
}

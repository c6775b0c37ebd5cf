import Foundation
import ImJoyPlugin

/// Options of the Python host of native-python and web-python plugins.
public struct PythonHostOptions: Sendable {
    /// `--python PATH`: the interpreter for every Python plugin (over the version a plugin asks
    /// for and its `cmd`); a prepared environment of this interpreter is used when ready.
    public var interpreter: String?
    /// Where `imjoy-run env` keeps prepared environments.
    public var environmentCache: String
    /// `--python-search`: more folders to look for `pythonX.Y` in (default: `IMJOY_PYTHON_SEARCH`, colon-separated).
    public var pythonSearch: [String]
    /// The `PATH` conda tools, container tools and `pythonX.Y` are looked up on (`nil`: imjoy-run's own).
    public var toolPath: String?
    /// Containers (`--container-runtime`, extra bind mounts).
    public var containers: ContainerOptions

    public init(
        interpreter: String? = nil, environmentCache: String = PythonEnvironment.defaultCacheRoot(),
        pythonSearch: [String] = PythonHostOptions.defaultPythonSearch(), toolPath: String? = nil,
        containers: ContainerOptions = ContainerOptions()
    ) {
        self.interpreter = interpreter
        self.environmentCache = environmentCache
        self.pythonSearch = pythonSearch
        self.toolPath = toolPath
        self.containers = containers
    }

    /// `IMJOY_PYTHON_SEARCH`, split at `:`.
    public static func defaultPythonSearch(environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        (environment["IMJOY_PYTHON_SEARCH"] ?? "").split(separator: ":").map(String.init)
    }
}

/// The ``HostRuntime/python`` runtime: CPython running `imjoy_host.py`.
enum PythonRuntime {
    /// The interpreter and environment for `plugin`: in its container (`container` field) the
    /// image's Python; else a prepared environment of the chosen interpreter when ready, else
    /// the chosen interpreter itself (``PythonEnvironment/choose(for:options:)``).
    static func launch(for plugin: Plugin, options: PythonHostOptions, stateDirectory: String) throws(PluginHostError) -> HostLaunch {
        var environment = ProcessInfo.processInfo.environment
        let interpreter: [String]
        var links: [String: String] = [:]
        let container = try ContainerLaunch.of(
            plugin, options: options.containers, toolPath: options.toolPath, stateDirectory: stateDirectory)
        if container != nil {
            let command = plugin.config.command.isEmpty || plugin.config.command == "python" ? "python3" : plugin.config.command
            interpreter = (options.interpreter ?? command).split(separator: " ").map(String.init)
        } else {
            let prepared = try PythonEnvironment.choose(for: plugin, options: options)
            if prepared.isReady {
                interpreter = [prepared.python]
                environment["VIRTUAL_ENV"] = prepared.directory
                environment["PATH"] = prepared.directory + "/bin:" + (environment["PATH"] ?? "/usr/bin:/bin")
                let repositories = prepared.repositories
                if !repositories.isEmpty {
                    // As ImJoy's engine cloned into the working folder: each clone is there by
                    // its name, and on sys.path.
                    for repository in repositories { links[(repository.folder as NSString).lastPathComponent] = repository.folder }
                    let paths = repositories.map(\.folder) + (environment["PYTHONPATH"].map { [$0] } ?? [])
                    environment["PYTHONPATH"] = paths.joined(separator: ":")
                }
            } else if let base = prepared.base {
                let extra =
                    options.interpreter == nil && PythonVersionRequest.version(of: plugin) == nil
                    ? Array(plugin.config.command.split(separator: " ").dropFirst().map(String.init)) : []
                interpreter = [base.path] + extra
            } else {
                // A conda environment not prepared yet: the interpreter it would be made for.
                interpreter = [try PythonEnvironment.baseInterpreter(for: plugin, options: options).path]
            }
        }
        for entry in plugin.config.environment {
            if case .variables(let variables) = entry { environment.merge(variables) { $1 } }
        }
        environment["PYTHONUNBUFFERED"] = "1"
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        var launch = HostLaunch(
            runtime: .python, interpreter: interpreter, hostScript: try HostRuntime.python.hostProgram(), environment: environment)
        launch.workLinks = links
        launch.container = container
        return launch
    }
}

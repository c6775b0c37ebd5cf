import Foundation
import ImJoyPlugin
import ImJoySchema

#if canImport(Glibc)
    import Glibc
#endif

/// How to start a plugin's host process: the runtime, its interpreter (with any arguments of the
/// plugin's `cmd`), the host program, and the process environment.
///
/// Built per runtime in `PluginHosts+Launch.swift` (``PluginHosts/launch(for:options:)``).
struct HostLaunch: Sendable {
    /// The runtime (which host program, how errors name the plugin).
    var runtime: HostRuntime
    var interpreter: [String]
    /// The host program (``HostRuntime/hostProgram()``).
    var hostScript: String
    var environment: [String: String]
    /// Fields added to the `init` message (the JavaScript host's requirement files).
    var initFields: JSONObject = [:]
    /// Names in the working folder linked to folders (the clones of `repo:` requirements).
    var workLinks: [String: String] = [:]
    /// The container the host runs in (the plugin's `container`), or `nil`.
    var container: ContainerLaunch?

    init(
        runtime: HostRuntime, interpreter: [String], hostScript: String, environment: [String: String],
        initFields: JSONObject = [:]
    ) {
        self.runtime = runtime
        self.interpreter = interpreter
        self.hostScript = hostScript
        self.environment = environment
        self.initFields = initFields
    }

    /// The command whose runtime identifies the host in cache keys and provenance: the
    /// interpreter, or inside its container the wrapped interpreter (so the image's Python is
    /// probed, not the host's).
    var identityCommand: [String] {
        guard let container else { return interpreter }
        return container.commandLine(interpreter: interpreter, hostScript: hostScript, workDirectory: "/", environment: environment)
    }

    /// Starts a host process of `plugin` (working directory and WORK_DIR `workDirectory`) and
    /// waits until the plugin is set up.
    func start(
        _ plugin: Plugin, workDirectory: String, emit: @escaping ([PluginEvent]) -> Void,
        setupAPI: PluginProcess.APIHandler? = nil
    ) throws(PluginHostError) -> PluginProcess {
        var message = PluginHost.initMessage(plugin, workDirectory: workDirectory, runtime: runtime)
        message.merge(initFields) { $1 }
        for (name, target) in workLinks.sorted(by: { $0.key < $1.key }) {
            let link = workDirectory + "/" + name
            if (try? FileManager.default.destinationOfSymbolicLink(atPath: link)) == nil && !FileManager.default.fileExists(atPath: link) {
                try? FileManager.default.createDirectory(atPath: workDirectory, withIntermediateDirectories: true)
                try? FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
            }
        }
        var interpreter = interpreter
        if let container {
            try? FileManager.default.createDirectory(atPath: workDirectory, withIntermediateDirectories: true)
            interpreter = container.commandLine(
                interpreter: interpreter, hostScript: hostScript, workDirectory: workDirectory, environment: environment)
        }
        return try PluginProcess.start(
            interpreter: interpreter, hostScript: hostScript, workingDirectory: workDirectory,
            environment: environment, plugin: plugin.config.name, runtime: runtime, initMessage: message,
            segmentPrefix: SharedMemoryJanitor.runnerPrefix, emit: emit, setupAPI: setupAPI)
    }
}

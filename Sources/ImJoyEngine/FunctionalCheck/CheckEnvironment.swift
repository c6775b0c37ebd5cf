import Foundation
import ImJoyPlugin
import ImJoySchema

/// The folders and launch settings every process of one check shares.
///
/// ```
/// ROOT/state/workspace/   WORK_DIR and the processes' working directory (watched)
/// ROOT/state/plugins/…    the plugin's log
/// ROOT/tmp/               TMPDIR of the processes (watched)
/// ROOT/out/pP-cC/         the out dir of call C in process P (writes here are allowed)
/// ```
final class CheckEnvironment {
    let plugin: Plugin
    let root: String
    /// Every folder whose files are compared before and after each call.
    let watched: [String]
    /// Seconds a call may take before its process is killed.
    let timeout: Double
    private let launch: HostLaunch
    private let state: PluginStateStore

    init(
        plugin: Plugin, root: String, interpreter: String?, javascript: JavaScriptHostOptions, extraWatched: [String], timeout: Double
    ) throws {
        self.plugin = plugin
        self.root = root
        self.timeout = timeout
        state = try PluginStateStore(root: root + "/state")
        let temporary = root + "/tmp"
        try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        var launch = try PluginHosts.launch(
            for: plugin,
            options: PluginHostOptions(
                python: PythonHostOptions(interpreter: interpreter), javascript: javascript, stateDirectory: root + "/state"))
        launch.environment["TMPDIR"] = temporary
        self.launch = launch
        var folders = [state.workDirectory, temporary]
        for folder in extraWatched.map(Self.absolute) where !folders.contains(folder) { folders.append(folder) }
        watched = folders
    }

    /// The watched files now (the check's own folder left out of the other watched folders).
    func snapshot() -> FolderSnapshot {
        FolderSnapshot(folders: watched, excluding: [root])
    }

    /// `path` for the report: `WORK_DIR/…` and `TMPDIR/…` for the check's own folders, which
    /// are gone after the check.
    func display(_ path: String) -> String {
        for (folder, name) in [(state.workDirectory, "WORK_DIR"), (root + "/tmp", "TMPDIR")] where path.hasPrefix(folder + "/") {
            return name + path.dropFirst(folder.count)
        }
        return path
    }

    /// Starts a fresh process of the plugin and waits for its setup.
    func startProcess() throws -> PluginProcess {
        _ = try state.logDescriptor(of: plugin.config.name)
        return try launch.start(plugin, workDirectory: state.workDirectory, emit: log)
    }

    /// The out dir of one call (created by the plugin if it exports a file).
    func outputDirectory(process: Int, call: Int) -> String { root + "/out/p\(process)-c\(call)" }

    /// The plugin's log file.
    var logFile: String { state.folder(of: plugin.config.name) + "/plugin.log" }

    /// Writes the plugin's output lines and api messages to its log.
    func log(_ events: [PluginEvent]) {
        guard !events.isEmpty else { return }
        state.log(plugin.config.name, events.map(\.logLine).joined(separator: "\n"))
    }

    static func absolute(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return URL(fileURLWithPath: full).standardizedFileURL.path
    }
}

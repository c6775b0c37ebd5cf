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
/// ROOT/trace/pP/          process P's system-call trace (``SyscallTrace``), when strace can run
/// ```
///
/// Process `P` runs with `PYTHONHASHSEED=P`: fixed, so a check is repeatable, and different in
/// each fresh process, so a result that depends on the order of a set or dict of strings
/// differs between them (nondeterminism) instead of by chance.
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

    /// Whether each process's file writes and network use are traced (strace).
    var traces: Bool { SyscallTrace.isAvailable }

    /// Starts fresh process `number` of the plugin (traced when strace can run) and waits for its setup.
    func startProcess(number: Int) throws -> (process: PluginProcess, trace: SyscallTrace?) {
        _ = try state.logDescriptor(of: plugin.config.name)
        var launch = self.launch
        launch.environment["PYTHONHASHSEED"] = String(number)
        var trace: SyscallTrace? = nil
        if traces {
            let traced = try SyscallTrace(folder: root + "/trace/p\(number)")
            launch.interpreter = traced.wrap(launch.interpreter)
            trace = traced
        }
        return (try launch.start(plugin, workDirectory: state.workDirectory, emit: log), trace)
    }

    /// Whether a traced write to `path` is left to the folder snapshots or allowed: the check's
    /// own folder (out dirs, WORK_DIR, TMPDIR), the watched folders, devices and kernel files
    /// (`/dev`, shared memory transfers, `/proc`, `/sys`), Python's byte-code caches.
    func ignoresTracedWrite(_ path: String) -> Bool {
        let folders = [root] + watched + ["/dev", "/proc", "/sys"]
        return folders.contains { path == $0 || path.hasPrefix($0 + "/") } || path.contains("/__pycache__/")
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

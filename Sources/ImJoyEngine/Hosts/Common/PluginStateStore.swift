import Foundation
import ImJoySchema
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The run's state folder: per plugin a log file (process output and api messages) and the
/// values the plugin saved with `api.setConfig` (ImJoy keeps them in localStorage).
///
/// ```
/// STATE/plugins/<plugin>/plugin.log
/// STATE/plugins/<plugin>/config.json
/// STATE/workspace/                     WORK_DIR, the plugins' working folder
/// ```
final class PluginStateStore: Sendable {
    let root: String
    /// Each plugin's open log file.
    private let logs = Mutex<[String: Int32]>([:])
    /// Held while a plugin's `config.json` is read or rewritten.
    private let configs = Mutex(())

    init(root: String) throws {
        self.root = root
        try FileManager.default.createDirectory(atPath: workDirectory, withIntermediateDirectories: true)
    }

    deinit {
        logs.withLock { for fd in $0.values { close(fd) } }
    }

    /// WORK_DIR of every plugin in the run.
    var workDirectory: String { root + "/workspace" }

    func folder(of plugin: String) -> String {
        root + "/plugins/" + OutputPaths.sanitized(plugin)
    }

    /// The plugin's log file, opened for appending (shared by its processes).
    func logDescriptor(of plugin: String) throws -> Int32 {
        let folder = folder(of: plugin)
        return try logs.withLock { logs in
            if let fd = logs[plugin] { return fd }
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let fd = open(folder + "/plugin.log", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw PluginHostError.other("cannot open the log of \(plugin): \(String(cString: strerror(errno)))") }
            logs[plugin] = fd
            return fd
        }
    }

    /// Appends one line to the plugin's log.
    func log(_ plugin: String, _ line: String) {
        guard let fd = try? logDescriptor(of: plugin) else { return }
        let text = line.hasSuffix("\n") ? line : line + "\n"
        text.utf8CString.withUnsafeBufferPointer { buffer in
            _ = write(fd, buffer.baseAddress, buffer.count - 1)
        }
    }

    /// The value `api.setConfig(name, …)` saved, or `null`.
    func config(of plugin: String, name: String) -> JSONValue {
        configs.withLock { _ in loadConfig(plugin)[name] ?? .null }
    }

    /// Saves `value` under `name` (written at once, atomically).
    func setConfig(of plugin: String, name: String, value: JSONValue) throws {
        try configs.withLock { _ in
            var config = loadConfig(plugin)
            config[name] = value
            let folder = folder(of: plugin)
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try Data(JSONValue.object(config).serialized(.prettyPrinted).utf8)
                .write(to: URL(fileURLWithPath: folder + "/config.json"), options: .atomic)
        }
    }

    private func loadConfig(_ plugin: String) -> JSONObject {
        guard let data = FileManager.default.contents(atPath: folder(of: plugin) + "/config.json"),
            let value = try? JSONValue(jsonBytes: [UInt8](data))
        else { return [:] }
        return value.objectValue ?? [:]
    }
}

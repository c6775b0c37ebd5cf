import Foundation
import ImJoyPlugin
import ImJoySchema
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The processes of one plugin (on any ``HostRuntime``): a pool of up to `capacity` processes,
/// each set up once.
///
/// A functional plugin gets up to `--jobs` processes; any other plugin (and every
/// `single-instance` one) exactly one, so its calls are serialized.
// @unchecked: `pool` is only touched while `condition` is locked; the rest is immutable or a Mutex.
final class PluginHost: @unchecked Sendable {
    let plugin: Plugin
    let capacity: Int
    let launch: HostLaunch
    private let state: PluginStateStore
    private let observer: (any RunObserver)?
    /// Signalled when a process is returned or dropped, a start ends, or the pool closes.
    private let condition = NSCondition()
    /// Read and written only while `condition` is locked (a condition variable, so not a Mutex).
    private var pool = Pool()

    private struct Pool {
        var idle: [PluginProcess] = []
        var all: [PluginProcess] = []
        var starting = 0
        var setupFailure: PluginHostError?
        var closed = false
    }
    /// Answers the api requests of the plugin's `setup()` (set by ``PluginHosts``).
    private let setupAPI = Mutex<(@Sendable (String, JSONObject) throws -> JSONValue)?>(nil)

    /// Sets what answers the api requests of `setup()`.
    func serveSetupAPI(_ handler: @escaping @Sendable (String, JSONObject) throws -> JSONValue) {
        setupAPI.withLock { $0 = handler }
    }

    var name: String { plugin.config.name }

    /// - Parameter observer: receives the processes' output lines and api messages.
    init(plugin: Plugin, capacity: Int, launch: HostLaunch, state: PluginStateStore, observer: (any RunObserver)?) {
        self.plugin = plugin
        self.capacity = max(1, capacity)
        self.launch = launch
        self.state = state
        self.observer = observer
    }

    /// The process ids started so far (live or not), for tests and the log.
    var processCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return pool.all.count
    }

    // MARK: - Pool

    /// An idle process, a new one while the pool is below capacity, else waits for one.
    func acquire() throws -> PluginProcess {
        condition.lock()
        while true {
            if let failure = pool.setupFailure {
                condition.unlock()
                throw failure
            }
            if pool.closed {
                condition.unlock()
                throw PluginHostError(.other("the run is stopping"), runtime: launch.runtime, plugin: name)
            }
            if let process = pool.idle.popLast() {
                condition.unlock()
                return process
            }
            if pool.all.count + pool.starting < capacity { break }
            condition.wait()
        }
        pool.starting += 1
        condition.unlock()
        do {
            let process = try startProcess()
            condition.lock()
            pool.starting -= 1
            pool.all.append(process)
            let stop = pool.closed
            condition.unlock()
            if stop {
                process.stop(grace: 0)
                throw PluginHostError(.other("the run is stopping"), runtime: launch.runtime, plugin: name)
            }
            return process
        } catch {
            condition.lock()
            pool.starting -= 1
            if let failure = error as? PluginHostError {
                switch failure.failure {
                case .setup, .start: pool.setupFailure = failure
                default: break
                }
            }
            condition.broadcast()
            condition.unlock()
            throw error
        }
    }

    /// Returns `process` to the pool, or drops it (stopped) when it is no longer usable.
    func release(_ process: PluginProcess, healthy: Bool) {
        if !healthy || !process.isAlive {
            process.stop(grace: 0)
            condition.lock()
            pool.all.removeAll { $0 === process }
            condition.broadcast()
            condition.unlock()
            return
        }
        condition.lock()
        pool.idle.append(process)
        condition.broadcast()
        condition.unlock()
    }

    /// Stops every process: idle ones are asked to exit (`grace` seconds), busy ones killed.
    func shutdown(grace: Double) {
        condition.lock()
        pool.closed = true
        let idleProcesses = pool.idle
        let busy = pool.all.filter { process in !idleProcesses.contains { $0 === process } }
        pool.idle.removeAll()
        pool.all.removeAll()
        condition.broadcast()
        condition.unlock()
        for process in busy { process.kill() }
        let group = DispatchGroup()
        for process in idleProcesses {
            DispatchQueue.global().async(group: group) { process.stop(grace: grace) }
        }
        group.wait()
    }

    /// Sends `signal` to every process and the children it forked (its process group).
    func signalAll(_ signal: Int32) {
        condition.lock()
        let processes = pool.all
        condition.unlock()
        for process in processes where process.isAlive { process.signalGroup(signal) }
    }

    /// The ids of the processes in the pool.
    var processIDs: [pid_t] {
        condition.lock()
        defer { condition.unlock() }
        return pool.all.map(\.pid)
    }

    /// Whether some process has not exited yet.
    var hasLiveProcesses: Bool {
        condition.lock()
        let processes = pool.all
        condition.unlock()
        return processes.contains { $0.hasExited == false }
    }

    /// Kills every process at once (signal handlers).
    func killAll() {
        condition.lock()
        let processes = pool.all
        condition.unlock()
        for process in processes { process.kill() }
    }

    // MARK: - Starting a process

    private func startProcess() throws -> PluginProcess {
        _ = try state.logDescriptor(of: name)
        let handler = setupAPI.withLock { $0 }
        let process = try launch.start(
            plugin, workDirectory: state.workDirectory, emit: { [weak self] in self?.record($0) },
            setupAPI: handler.map { handler in { function, request in try handler(function, request) } })
        state.log(name, "[imjoy-run] process \(process.pid) ready (\(launch.interpreter.joined(separator: " ")))")
        return process
    }

    /// The `init` message that sets `plugin` up in a new process: its scripts, config, tag,
    /// attachments and WORK_DIR.
    static func initMessage(_ plugin: Plugin, workDirectory: String, runtime: HostRuntime) -> JSONObject {
        let scripts = plugin.scripts.filter(runtime.runs)
        var fields = plugin.config.fields
        fields["tag"] = plugin.config.tag.map(JSONValue.string) ?? .null
        var attachments = JSONObject()
        for (name, text) in plugin.attachments { attachments[name] = .string(text) }
        return [
            "name": .string(plugin.config.name),
            "tag": plugin.config.tag.map(JSONValue.string) ?? .null,
            "workspace": "default",
            "work_dir": .string(workDirectory),
            "config": .object(fields),
            "attachments": .object(attachments),
            "scripts": .array(
                scripts.map {
                    [
                        "content": .string($0.content), "line": .integer(Int64($0.line)),
                        "module": .bool($0.attributes["type"]?.string == "module"),
                    ]
                }),
        ]
    }

    /// Writes output lines and api messages to the plugin's log (one write) and to the run's events.
    func record(_ events: [PluginEvent]) {
        guard !events.isEmpty else { return }
        state.log(name, events.map(\.logLine).joined(separator: "\n"))
        observer?.pluginEvents(events)
    }
}

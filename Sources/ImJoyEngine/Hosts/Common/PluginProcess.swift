import Foundation
import ImJoySchema
import ImageIO
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One plugin host process (any ``HostRuntime``) serving one plugin: started, set up once, then
/// called many times.
///
/// The process leads a process group of its own: whatever it forks (subprocess, multiprocessing)
/// is killed with it when it crashes, times out, is cancelled or stops — and as soon as the
/// runner sees it gone — so that no child keeps its pipes (and the run) waiting.
///
/// Calls are not concurrent: a process is used by one caller at a time (``PluginHost``
/// hands processes out). ``kill()`` may be called from any thread, e.g. when a timeout passes.
// @unchecked: `life` is a Mutex, the rest immutable or used only by the one caller the pool hands it to.
final class PluginProcess: @unchecked Sendable {
    /// The process id (and the id of its process group).
    let pid: pid_t
    /// The runtime it runs on.
    let runtime: HostRuntime
    /// The ops the plugin registered during setup.
    var registeredOps: [String] = []
    /// The token in its environment, inherited by what it starts (``OrphanReaper``).
    let hostToken: String

    private let pipe: HostPipe
    private let segments: SharedSegments
    private let codec: WireCodec
    private let plugin: String
    private let emit: ([PluginEvent]) -> Void
    private let output: ProcessOutputCapture
    /// The call being served; only the calling thread touches it (as `outputBatch`).
    private var origin: PluginEvent.Origin?
    /// Lines of `output` frames not passed on yet: a burst of them goes on in one batch.
    private var outputBatch: [PluginEvent] = []
    /// What any thread may read or change: whether it exited (and how), was killed, was closed.
    private let life = Mutex(Life())

    private struct Life {
        var exitStatus: Int32?
        var killed = false
        var pipesClosed = false
    }

    /// What the runner answers when the plugin calls the api during a call.
    typealias APIHandler = (_ function: String, _ request: JSONObject) throws -> JSONValue

    init(
        pid: pid_t, hostToken: String, pipe: HostPipe, segments: SharedSegments, plugin: String, runtime: HostRuntime,
        output: (stdout: Int32, stderr: Int32), emit: @escaping ([PluginEvent]) -> Void
    ) {
        self.pid = pid
        self.hostToken = hostToken
        self.runtime = runtime
        self.pipe = pipe
        self.segments = segments
        self.codec = WireCodec(segments: segments)
        self.plugin = plugin
        self.emit = emit
        self.output = ProcessOutputCapture(plugin: plugin, pid: pid, stdoutFD: output.stdout, stderrFD: output.stderr, emit: emit)
    }

    // MARK: - Calling

    /// Calls `op` (a registered op; `nil` = `run`) or the exported `method` with `arguments`.
    ///
    /// - Parameters:
    ///   - config: the op's config (answers `showFileDialog`, `prompt`, `confirm`).
    ///   - origin: the op and item the call serves; its output and api messages are theirs.
    ///   - api: answers the plugin's api requests (getConfig, setConfig, call, …).
    ///   - onWindow: `createWindow` / `showDialog` configs.
    /// - Throws: ``PluginHostError`` (naming the runtime and plugin): ``PluginHostError/Failure/raised(message:traceback:)``
    ///   when the plugin raised, ``PluginHostError/Failure/crashed(during:reason:)`` when the process died.
    func call(
        op: String?, method: String?, arguments: [JSONValue], config: JSONObject, outputDirectory: String,
        origin: PluginEvent.Origin?, api: APIHandler, onWindow: (JSONObject) -> Void
    ) throws -> JSONValue {
        do {
            return try serveCall(
                op: op, method: method, arguments: arguments, config: config, outputDirectory: outputDirectory,
                origin: origin, api: api, onWindow: onWindow)
        } catch let error as PluginHostError {
            throw error.attributed(to: runtime, plugin: plugin)
        }
    }

    private func serveCall(
        op: String?, method: String?, arguments: [JSONValue], config: JSONObject, outputDirectory: String,
        origin: PluginEvent.Origin?, api: APIHandler, onWindow: (JSONObject) -> Void
    ) throws -> JSONValue {
        self.origin = origin
        output.attribute(to: origin)
        defer {
            passOutputBatch()
            output.attribute(to: nil)
            self.origin = nil
        }
        do {
            var message: JSONObject = [
                "t": "call", "op": op.map(JSONValue.string) ?? .null, "method": method.map(JSONValue.string) ?? .null,
                "args": .array(arguments), "config": .object(config), "out_dir": .string(outputDirectory),
            ]
            let dropped = segments.takeDropped()
            if !dropped.isEmpty { message["drop"] = .array(dropped.map(JSONValue.string)) }
            return try exchange(message, api: api, onWindow: onWindow)
        } catch let error as HostPipeError {
            let reason = deathReason() ?? "\(error)"
            throw PluginHostError(.crashed(during: "the call", reason: reason))
        }
    }

    /// Sends `message` (a call, or a callback into a call in flight), then serves the process's
    /// events, windows and api requests until its result or error.
    func exchange(_ message: JSONObject, api: APIHandler, onWindow: (JSONObject) -> Void) throws -> JSONValue {
        do {
            try send(message)
            while true {
                let frame = try receive()
                switch frame.kind {
                case "result":
                    return frame.header["value"] ?? .null
                case "error":
                    throw PluginHostError(
                        .raised(
                            message: frame.header["message"]?.stringValue ?? "unknown error",
                            traceback: frame.header["traceback"]?.stringValue ?? ""))
                case "event", "output":
                    pass(frame)
                case "window":
                    onWindow(frame.header.objectValue ?? [:])
                case "api":
                    let request = frame.header.objectValue ?? [:]
                    let function = request["fn"]?.stringValue ?? ""
                    do {
                        let value = try api(function, request)
                        try send(["t": "reply", "value": value, "rid": request["rid"] ?? .null])
                    } catch let error as HostPipeError {
                        throw error
                    } catch {
                        try send(["t": "reply", "error": .string("\(error)"), "rid": request["rid"] ?? .null])
                    }
                default:
                    continue
                }
            }
        } catch let error as HostPipeError {
            let reason = deathReason() ?? "\(error)"
            throw PluginHostError(.crashed(during: "the call", reason: reason))
        }
    }

    /// Digests of the plugin's module globals and its exported object's attributes, by name:
    /// `[digest, short repr]` (check-functional compares them between calls).
    func globalsFingerprint() throws -> JSONObject {
        do {
            try send(["t": "globals"])
            while true {
                let frame = try receive()
                switch frame.kind {
                case "globals": return frame.header["value"]?.objectValue ?? [:]
                case "event", "output": pass(frame)
                default: continue
                }
            }
        } catch let error as HostPipeError {
            throw PluginHostError(.crashed(during: "the globals request", reason: deathReason() ?? "\(error)"))
                .attributed(to: runtime, plugin: plugin)
        }
    }

    // MARK: - Stopping

    /// Whether the process still runs (not killed, not exited).
    var isAlive: Bool {
        life.withLock { !$0.killed && $0.exitStatus == nil }
    }

    /// Whether the process has exited (reaps it when it has).
    var hasExited: Bool { reap(block: false) != nil }

    /// Kills the process and its process group at once (SIGKILL); a blocked ``call`` then fails.
    func kill() {
        let alreadyGone = life.withLock { life in
            defer { life.killed = true }
            return life.killed || life.exitStatus != nil
        }
        if !alreadyGone { killGroup(SIGKILL) }
    }

    /// Sends `signal` to the process's group (the process and whatever it forked), while the
    /// process is not reaped: until then no other group can have its id.
    func signalGroup(_ signal: Int32) {
        if life.withLock({ $0.exitStatus == nil }) { killGroup(signal) }
    }

    private func killGroup(_ signal: Int32) {
        _ = Glibc.kill(-pid, signal)
        _ = Glibc.kill(pid, signal)
    }

    /// Asks the process to exit, waits up to `grace` seconds, then kills it (with its group);
    /// removes its segments.
    func stop(grace: Double) {
        if isAlive && grace > 0 {
            try? pipe.write(HostFrame(header: ["t": "exit"]))
            let deadline = Date().addingTimeInterval(grace)
            while Date() < deadline, reap(block: false) == nil {
                if !passWaitingFrame(milliseconds: 5) { usleep(5_000) }
            }
            passOutputBatch()
        }
        kill()
        _ = reap(block: true)
        output.close()
        let open = life.withLock { life in
            defer { life.pipesClosed = true }
            return !life.pipesClosed
        }
        if open {
            close(pipe.readFD)
            close(pipe.writeFD)
        }
        segments.removeAll(hostPID: pid)
    }

    /// Why the process died, once it has (waits up to 1 s for it to exit).
    func deathReason() -> String? {
        var status: Int32?
        for _ in 0..<200 {
            status = reap(block: false)
            if status != nil { break }
            usleep(5_000)
        }
        let wasKilled = life.withLock { $0.killed }
        guard let status else { return wasKilled ? "killed by the runner" : nil }
        if wasKilled { return "killed by the runner" }
        if status & 0x7f == 0 { return "the plugin process exited with status \((status >> 8) & 0xff)" }
        let signal = status & 0x7f
        return "the plugin process was killed by signal \(signal) (\(String(cString: strsignal(signal))))"
    }

    /// The exit status, once the process has exited. Before reaping the process, kills what is
    /// left of its group and the descendants that left the group (``OrphanReaper``): a plugin's
    /// children die with it.
    private func reap(block: Bool) -> Int32? {
        if let status = life.withLock({ $0.exitStatus }) { return status }
        var info = siginfo_t()
        if !block {
            guard waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0, info._sifields._sigchld.si_pid == pid else {
                return nil
            }
        }
        // Exited but not reaped (or about to be waited for): the group id is still ours.
        _ = Glibc.kill(-pid, SIGKILL)
        // Wait until it is a zombie (still unreaped, so no new process can get its id as a pid
        // or group id), then the orphans go; another thread may have reaped it meanwhile.
        if block { while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0 && errno == EINTR {} }
        OrphanReaper.hostEnded(token: hostToken, processGroup: pid)
        var status: Int32 = 0
        let result = waitpid(pid, &status, 0)
        guard result == pid else { return life.withLock { $0.exitStatus } }  // another thread reaped it
        life.withLock { $0.exitStatus = status }
        return status
    }

    func send(_ header: JSONObject) throws {
        var buffers: [JSONBytes] = []
        var slot = 0
        let encoded = try codec.encode(.object(header), buffers: &buffers, slot: &slot)
        try pipe.write(HostFrame(header: encoded, buffers: buffers))
    }

    /// Passes on an output or message frame the process sent while idle (a plugin thread printing
    /// between calls, or at exit); `false` when none came within `milliseconds`.
    private func passWaitingFrame(milliseconds: Int32) -> Bool {
        var polled = pollfd(fd: pipe.readFD, events: Int16(POLLIN), revents: 0)
        guard poll(&polled, 1, milliseconds) == 1, polled.revents & Int16(POLLIN) != 0,
            let frame = try? receive(), frame.kind == "event" || frame.kind == "output"
        else { return false }
        pass(frame)
        return true
    }

    /// Emits an `output` frame's lines (batched while more frames wait in the pipe) or an
    /// `event` frame's api message.
    func pass(_ frame: HostFrame) {
        // Output written outside a call (a thread between calls) is nobody's.
        let origin = frame.header["idle"]?.boolValue == true ? nil : origin
        if frame.kind == "output" {
            let stream = frame.header["stream"]?.stringValue ?? "stdout"
            for line in frame.header["lines"]?.arrayValue ?? [] {
                outputBatch.append(
                    PluginEvent(
                        plugin: plugin, pid: pid, origin: origin, kind: .output(stream: stream, text: line.stringValue ?? line.serialized())
                    ))
            }
            var polled = pollfd(fd: pipe.readFD, events: Int16(POLLIN), revents: 0)
            if outputBatch.count >= 1024 || poll(&polled, 1, 0) != 1 { passOutputBatch() }
        } else {
            emit([
                PluginEvent(
                    plugin: plugin, pid: pid, origin: origin,
                    kind: .message(
                        function: frame.header["fn"]?.stringValue ?? "log", arguments: frame.header["args"]?.arrayValue ?? []))
            ])
        }
    }

    private func passOutputBatch() {
        guard !outputBatch.isEmpty else { return }
        emit(outputBatch)
        outputBatch.removeAll(keepingCapacity: true)
    }

    func receive() throws -> HostFrame {
        let frame: HostFrame
        do { frame = try pipe.read() } catch {
            passOutputBatch()
            throw error
        }
        if frame.kind != "output" {
            // Printed lines, then what the process wrote to fds 1 and 2, come before this frame.
            passOutputBatch()
            output.drain()
        }
        let decoded = try codec.decode(frame.header, buffers: frame.buffers)
        return HostFrame(header: decoded)
    }
}

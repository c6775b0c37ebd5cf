import Foundation
import ImageIO
import ImJoySchema

#if canImport(Glibc)
import Glibc
#endif

/// One plugin host process (Python, or Node.js for web-worker plugins) serving one plugin:
/// started, set up once, then called many times.
///
/// Calls are not concurrent: a process is used by one caller at a time (``PluginHost``
/// hands processes out). ``kill()`` may be called from any thread, e.g. when a timeout passes.
final class PluginProcess: @unchecked Sendable {
    /// The process id.
    let pid: pid_t
    /// The ops the plugin registered during setup.
    private(set) var registeredOps: [String] = []

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
    private let lock = NSLock()
    private var exitStatus: Int32?
    private var killed = false
    private var pipesClosed = false

    /// What the runner answers when the plugin calls the api during a call.
    typealias APIHandler = (_ function: String, _ request: JSONObject) throws -> JSONValue

    private init(
        pid: pid_t, pipe: HostPipe, segments: SharedSegments, plugin: String, output: (stdout: Int32, stderr: Int32),
        emit: @escaping ([PluginEvent]) -> Void
    ) {
        self.pid = pid
        self.pipe = pipe
        self.segments = segments
        self.codec = WireCodec(segments: segments)
        self.plugin = plugin
        self.emit = emit
        self.output = ProcessOutputCapture(plugin: plugin, pid: pid, stdoutFD: output.stdout, stderrFD: output.stderr, emit: emit)
    }

    // MARK: - Starting

    /// Starts `interpreter interpreterArguments hostScript` (Python, or Node.js for web-worker
    /// plugins), sends `init` and waits until the plugin is set up.
    ///
    /// - Parameters:
    ///   - plugin: the plugin's name, for its events.
    ///   - emit: the process's output lines and api messages (log, showStatus, …), in order;
    ///     called from the calling thread and from the output reader's.
    /// - Throws: ``PluginHostError`` when the process cannot start or the plugin fails its setup.
    static func start(
        interpreter: [String], hostScript: String, workingDirectory: String, environment: [String: String],
        plugin: String, initMessage: JSONObject, segmentPrefix: String, emit: @escaping ([PluginEvent]) -> Void,
        interpreterArguments: [String] = ["-u"], hostSegmentPrefix: String = "imjoy-run-py-"
    ) throws -> PluginProcess {
        ignoreSIGPIPE
        // Pipes and spawn under one lock: a process spawned by another thread in between would
        // inherit these pipes before they are close-on-exec, and a write end it kept would hide
        // this process's end of output.
        spawnLock.lock()
        var pipes: [[Int32]] = []
        for _ in 0..<4 {
            var ends: [Int32] = [0, 0]
            guard Glibc.pipe(&ends) == 0 else {
                let reason = String(cString: strerror(errno))
                for fd in pipes.joined() { close(fd) }
                spawnLock.unlock()
                throw PluginHostError.start("pipe: \(reason)")
            }
            for fd in ends { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            pipes.append(ends)
        }
        let (toChild, fromChild, stdoutPipe, stderrPipe) = (pipes[0], pipes[1], pipes[2], pipes[3])
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
        posix_spawn_file_actions_adddup2(&actions, stderrPipe[1], 2)
        // The host moves the protocol off fds 0 and 1, then makes fd 3 its stdout.
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 3)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        // Its own process group: a terminal's Ctrl-C reaches the runner, which stops the hosts.
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        let arguments = interpreter + interpreterArguments + [hostScript]
        var environment = environment
        environment["IMJOY_RUN_STDOUT_FD"] = "3"
        let environmentList = environment.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let status = withCStrings(arguments) { argv in
            withCStrings(environmentList) { envp in
                posix_spawn(&pid, arguments[0], &actions, &attributes, argv, envp)
            }
        }
        for fd in [toChild[0], fromChild[1], stdoutPipe[1], stderrPipe[1]] { close(fd) }
        spawnLock.unlock()
        guard status == 0 else {
            for fd in [toChild[1], fromChild[0], stdoutPipe[0], stderrPipe[0]] { close(fd) }
            throw PluginHostError.start("cannot run \(arguments[0]): \(String(cString: strerror(status)))")
        }
        let process = PluginProcess(
            pid: pid, pipe: HostPipe(readFD: fromChild[0], writeFD: toChild[1]),
            segments: SharedSegments(prefix: "\(segmentPrefix)-\(pid)", hostPrefix: hostSegmentPrefix), plugin: plugin,
            output: (stdoutPipe[0], stderrPipe[0]), emit: emit)
        do {
            var message = initMessage
            message["t"] = "init"
            message["cwd"] = .string(workingDirectory)
            try process.send(message)
            while true {
                let frame = try process.receive()
                switch frame.kind {
                case "ready":
                    process.registeredOps = (frame.header["ops"]?.arrayValue ?? []).compactMap(\.stringValue)
                    return process
                case "event", "output":
                    process.pass(frame)
                case "error":
                    let message = frame.header["message"]?.stringValue ?? "unknown error"
                    let trace = frame.header["traceback"]?.stringValue ?? ""
                    process.stop(grace: 0)
                    throw PluginHostError.setup(message: message, traceback: trace)
                case "api":
                    try process.send(["t": "reply", "error": "the api is not available before setup() finished in batch runs"])
                default:
                    continue
                }
            }
        } catch let error as PluginHostError {
            process.stop(grace: 0)
            throw error
        } catch {
            let reason = process.deathReason()
            process.stop(grace: 0)
            throw PluginHostError.crashed(during: "setup", reason: reason ?? "\(error)")
        }
    }

    // MARK: - Calling

    /// Calls `op` (a registered op; `nil` = `run`) or the exported `method` with `arguments`.
    ///
    /// - Parameters:
    ///   - config: the op's config (answers `showFileDialog`, `prompt`, `confirm`).
    ///   - origin: the op and item the call serves; its output and api messages are theirs.
    ///   - api: answers the plugin's api requests (getConfig, setConfig, call, …).
    ///   - onWindow: `createWindow` / `showDialog` configs.
    /// - Throws: ``PluginHostError/python(message:traceback:)`` when the plugin raised,
    ///   ``PluginHostError/crashed(during:reason:)`` when the process died.
    func call(
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
            try send(message)
            while true {
                let frame = try receive()
                switch frame.kind {
                case "result":
                    return frame.header["value"] ?? .null
                case "error":
                    throw PluginHostError.python(
                        message: frame.header["message"]?.stringValue ?? "unknown error",
                        traceback: frame.header["traceback"]?.stringValue ?? "")
                case "event", "output":
                    pass(frame)
                case "window":
                    onWindow(frame.header.objectValue ?? [:])
                case "api":
                    let request = frame.header.objectValue ?? [:]
                    let function = request["fn"]?.stringValue ?? ""
                    do {
                        let value = try api(function, request)
                        try send(["t": "reply", "value": value])
                    } catch let error as HostPipeError {
                        throw error
                    } catch {
                        try send(["t": "reply", "error": .string("\(error)")])
                    }
                default:
                    continue
                }
            }
        } catch let error as HostPipeError {
            let reason = deathReason() ?? "\(error)"
            throw PluginHostError.crashed(during: "the call", reason: reason)
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
            throw PluginHostError.crashed(during: "the globals request", reason: deathReason() ?? "\(error)")
        }
    }

    // MARK: - Stopping

    /// Whether the process still runs (not killed, not exited).
    var isAlive: Bool {
        lock.lock()
        defer { lock.unlock() }
        return !killed && exitStatus == nil
    }

    /// Whether the process has exited (reaps it when it has).
    var hasExited: Bool { reap(block: false) != nil }

    /// Kills the process at once (SIGKILL); a blocked ``call`` then fails.
    func kill() {
        lock.lock()
        let alreadyGone = killed || exitStatus != nil
        killed = true
        lock.unlock()
        if !alreadyGone { _ = Glibc.kill(pid, SIGKILL) }
    }

    /// Asks the process to exit, waits up to `grace` seconds, then kills it; removes its segments.
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
        lock.lock()
        let open = !pipesClosed
        pipesClosed = true
        lock.unlock()
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
        lock.lock()
        let wasKilled = killed
        lock.unlock()
        guard let status else { return wasKilled ? "killed by the runner" : nil }
        if wasKilled { return "killed by the runner" }
        if status & 0x7f == 0 { return "the plugin process exited with status \((status >> 8) & 0xff)" }
        let signal = status & 0x7f
        return "the plugin process was killed by signal \(signal) (\(String(cString: strsignal(signal))))"
    }

    private func reap(block: Bool) -> Int32? {
        lock.lock()
        if let exitStatus {
            lock.unlock()
            return exitStatus
        }
        lock.unlock()
        var status: Int32 = 0
        let result = waitpid(pid, &status, block ? 0 : WNOHANG)
        guard result == pid else { return nil }
        lock.lock()
        exitStatus = status
        lock.unlock()
        return status
    }

    private func send(_ header: JSONObject) throws {
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
    private func pass(_ frame: HostFrame) {
        // Output written outside a call (a thread between calls) is nobody's.
        let origin = frame.header["idle"]?.boolValue == true ? nil : origin
        if frame.kind == "output" {
            let stream = frame.header["stream"]?.stringValue ?? "stdout"
            for line in frame.header["lines"]?.arrayValue ?? [] {
                outputBatch.append(PluginEvent(
                    plugin: plugin, pid: pid, origin: origin, kind: .output(stream: stream, text: line.stringValue ?? line.serialized())))
            }
            var polled = pollfd(fd: pipe.readFD, events: Int16(POLLIN), revents: 0)
            if outputBatch.count >= 1024 || poll(&polled, 1, 0) != 1 { passOutputBatch() }
        } else {
            emit([PluginEvent(plugin: plugin, pid: pid, origin: origin, kind: .message(
                function: frame.header["fn"]?.stringValue ?? "log", arguments: frame.header["args"]?.arrayValue ?? []))])
        }
    }

    private func passOutputBatch() {
        guard !outputBatch.isEmpty else { return }
        emit(outputBatch)
        outputBatch.removeAll(keepingCapacity: true)
    }

    private func receive() throws -> HostFrame {
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

/// Why a Python plugin call failed.
public enum PluginHostError: Error, CustomStringConvertible, Sendable {
    /// The interpreter or the host program could not be started.
    case start(String)
    /// The plugin raised while its scripts ran or in `setup()`.
    case setup(message: String, traceback: String)
    /// The plugin raised in the call.
    case python(message: String, traceback: String)
    /// The process died (segfault, `os._exit`, killed).
    case crashed(during: String, reason: String)
    /// Anything else: an unknown plugin, a misuse of the api.
    case other(String)

    public var description: String {
        switch self {
        case .start(let reason): "cannot start the plugin host: \(reason)"
        case .setup(let message, let traceback):
            "the plugin failed to load or set up: \(message)" + (traceback.isEmpty ? "" : "\n\(traceback)")
        case .python(let message, let traceback): traceback.isEmpty ? message : "\(message)\n\(traceback)"
        case .crashed(let during, let reason): "the plugin process died during \(during): \(reason)"
        case .other(let message): message
        }
    }
}

// MARK: - Helpers

private let ignoreSIGPIPE: Void = { _ = signal(SIGPIPE, SIG_IGN) }()
private let spawnLock = NSLock()

private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { for pointer in pointers { free(pointer) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}

import Foundation
import ImJoySchema
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

extension PluginProcess {
    /// Starts `interpreter runtime.interpreterArguments hostScript` in a process group of its own,
    /// sends `init` and waits until the plugin is set up.
    ///
    /// - Parameters:
    ///   - plugin: the plugin's name, for its events and errors.
    ///   - emit: the process's output lines and api messages (log, showStatus, …), in order;
    ///     called from the calling thread and from the output reader's.
    /// - Throws: ``PluginHostError`` (naming the runtime and plugin) when the process cannot
    ///   start or the plugin fails its setup.
    static func start(
        interpreter: [String], hostScript: String, workingDirectory: String, environment: [String: String],
        plugin: String, runtime: HostRuntime, initMessage: JSONObject, segmentPrefix: String,
        emit: @escaping ([PluginEvent]) -> Void, setupAPI: APIHandler? = nil
    ) throws(PluginHostError) -> PluginProcess {
        let spawned: Spawned
        OrphanReaper.becomeSubreaper()
        let token = OrphanReaper.newToken()
        var environment = environment
        environment[OrphanReaper.tokenVariable] = token
        do {
            spawned = try spawn(arguments: interpreter + runtime.interpreterArguments + [hostScript], environment: environment)
        } catch {
            OrphanReaper.forget(token)
            throw error.attributed(to: runtime, plugin: plugin)
        }
        let process = PluginProcess(
            pid: spawned.pid, hostToken: token, pipe: HostPipe(readFD: spawned.fromChild, writeFD: spawned.toChild, pid: spawned.pid),
            segments: SharedSegments(prefix: "\(segmentPrefix)-\(spawned.pid)", hostPrefix: runtime.hostSegmentPrefix),
            plugin: plugin, runtime: runtime, output: (spawned.stdout, spawned.stderr), emit: emit)
        do {
            try process.setUp(initMessage, workingDirectory: workingDirectory, api: setupAPI)
            return process
        } catch {
            process.stop(grace: 0)
            throw error.attributed(to: runtime, plugin: plugin)
        }
    }

    /// Sends `init` and serves frames until `ready`.
    /// `api` answers the api requests `setup()` makes (getConfig, setConfig, call, …).
    private func setUp(_ initMessage: JSONObject, workingDirectory: String, api: APIHandler?) throws(PluginHostError) {
        do {
            var message = initMessage
            message["t"] = "init"
            message["cwd"] = .string(workingDirectory)
            try send(message)
            while true {
                let frame = try receive()
                switch frame.kind {
                case "ready":
                    registeredOps = (frame.header["ops"]?.arrayValue ?? []).compactMap(\.stringValue)
                    return
                case "event", "output":
                    pass(frame)
                case "error":
                    let message = frame.header["message"]?.stringValue ?? "unknown error"
                    let trace = frame.header["traceback"]?.stringValue ?? ""
                    throw PluginHostError(.setup(message: message, traceback: trace))
                case "api":
                    let request = frame.header.objectValue ?? [:]
                    guard let api else {
                        try send(["t": "reply", "error": "the api is not available before setup() finished in batch runs"])
                        continue
                    }
                    do {
                        try send(["t": "reply", "value": try api(request["fn"]?.stringValue ?? "", request)])
                    } catch let error as HostPipeError {
                        throw error
                    } catch {
                        try send(["t": "reply", "error": .string("\(error)")])
                    }
                default:
                    continue
                }
            }
        } catch let error as PluginHostError {
            throw error
        } catch {
            throw PluginHostError(.crashed(during: "setup", reason: deathReason() ?? "\(error)"))
        }
    }

    /// The descriptors of a spawned host: the protocol pair and the fd 1 / fd 2 read ends.
    struct Spawned {
        var pid: pid_t
        var toChild: Int32
        var fromChild: Int32
        var stdout: Int32
        var stderr: Int32
    }

    /// `posix_spawn`s `arguments` with the protocol on fds 0/1, stderr on fd 2 and stdout on fd 3,
    /// default signals, in a new process group (so that its children can be killed with it).
    private static func spawn(arguments: [String], environment: [String: String]) throws(PluginHostError) -> Spawned {
        ignoreSIGPIPE
        // Pipes and spawn under one lock: a process spawned by another thread in between would
        // inherit these pipes before they are close-on-exec, and a write end it kept would hide
        // this process's end of output.
        return try spawnLock.withLock { _ throws(PluginHostError) in try spawnLocked(arguments: arguments, environment: environment) }
    }

    /// ``spawn(arguments:environment:)`` with `spawnLock` held.
    private static func spawnLocked(arguments: [String], environment: [String: String]) throws(PluginHostError) -> Spawned {
        var pipes: [[Int32]] = []
        for _ in 0..<4 {
            var ends: [Int32] = [0, 0]
            guard Glibc.pipe(&ends) == 0 else {
                let reason = String(cString: strerror(errno))
                for fd in pipes.joined() { close(fd) }
                throw PluginHostError(.start("pipe: \(reason)"))
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
        // Its own process group: a terminal's Ctrl-C reaches the runner, which stops the hosts;
        // and the runner kills the group, so the plugin's children die with it.
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

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
        guard status == 0 else {
            for fd in [toChild[1], fromChild[0], stdoutPipe[0], stderrPipe[0]] { close(fd) }
            throw PluginHostError(.start("cannot run \(arguments[0]): \(String(cString: strerror(status)))"))
        }
        return Spawned(pid: pid, toChild: toChild[1], fromChild: fromChild[0], stdout: stdoutPipe[0], stderr: stderrPipe[0])
    }
}

// MARK: - Helpers

private let ignoreSIGPIPE: Void = { _ = signal(SIGPIPE, SIG_IGN) }()
/// Held while pipes are made and a host is spawned (it guards no state: see `spawn`).
private let spawnLock = Mutex(())

private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { for pointer in pointers { free(pointer) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}

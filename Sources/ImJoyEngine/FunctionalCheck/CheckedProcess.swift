import Foundation
import ImJoyPlugin
import ImJoySchema

/// What one call of the op gave: its value (or the error it raised) and the windows it opened.
struct CallOutcome: Sendable {
    var value: JSONValue?
    var error: String?
    var windows: [JSONValue]

    /// The outcome as one value, so that results, errors and windows compare together.
    var comparable: JSONValue {
        var object: JSONObject = error.map { ["error": .string($0)] } ?? ["result": value ?? .null]
        if !windows.isEmpty { object["windows"] = .array(windows) }
        return .object(object)
    }

    /// Where and how two outcomes first differ (`counts[0]: 5 vs 6`), or `nil`.
    static func difference(_ a: JSONValue, _ b: JSONValue) -> String? {
        guard let found = ResultComparison.difference(a, b) else { return nil }
        if found.hasPrefix("result.") { return String(found.dropFirst(7)) }
        if found.hasPrefix("result[") || found.hasPrefix("result:") { return "the result" + found.dropFirst(6) }
        return found
    }
}

/// One fresh plugin process of a check: started and set up, then called, recording what each
/// call changed besides its result (module globals, watched files, `api.setConfig`).
final class CheckedProcess {
    /// A change a call made that the report lists.
    struct Effect {
        enum Kind: String {
            case file, global, setConfig, network, environment
        }

        var kind: Kind
        /// The global's name, the file's path, the config name.
        var subject: String
        /// What changed (`1 → 2`, `created`).
        var change: String
        /// The call (1-based) that made it; 0 for setup.
        var call: Int
        var input: String
    }

    let number: Int
    private let process: PluginProcess
    private let trace: SyscallTrace?
    private let environment: CheckEnvironment
    private var globals: JSONObject
    private var snapshot: FolderSnapshot
    private var savedConfig: JSONObject = [:]
    private var pendingConfigWrites: [String] = []
    private(set) var calls = 0
    private(set) var effects: [Effect] = []

    /// Starts process `number` of the check and records what its setup changed.
    init(number: Int, environment: CheckEnvironment) throws(FunctionalCheckError) {
        self.number = number
        self.environment = environment
        let before = environment.snapshot()
        do {
            (process, trace) = try environment.startProcess(number: number)
            globals = try process.globalsFingerprint()
        } catch {
            throw .setup(file: environment.plugin.file, reason: "\(error)")
        }
        snapshot = environment.snapshot()
        _ = trace?.newEvents()  // setup (imports, caches) is not checked
        for change in snapshot.changes(since: before) {
            effects.append(Effect(kind: .file, subject: environment.display(change.path), change: change.change, call: 0, input: ""))
        }
    }

    /// The ops the plugin registered in its setup.
    var registeredOps: [String] { process.registeredOps }

    /// Calls `op` on `input` and records the globals and files the call changed.
    func call(op: String?, input: CheckInput, config: JSONObject) throws(FunctionalCheckError) -> CallOutcome {
        calls += 1
        var windows: [JSONValue] = []
        var outcome: CallOutcome
        let context: JSONObject = [
            "config": .object(config), "data": input.data, "_variables": [:], "_op": .string(op ?? environment.plugin.config.name),
            "_source_op": .null, "_workflow_id": "check-functional", "_transfer": false,
        ]
        // A hung call would stop the check: the process is killed, and the call fails.
        let timer = DispatchWorkItem { [process] in process.kill() }
        DispatchQueue.global().asyncAfter(deadline: .now() + environment.timeout, execute: timer)
        defer { timer.cancel() }
        do {
            let value = try process.call(
                op: op, method: nil, arguments: [.object(context)], config: config,
                outputDirectory: environment.outputDirectory(process: number, call: calls),
                origin: PluginEvent.Origin(op: op ?? environment.plugin.config.name, item: input.label, itemIndex: calls),
                api: { [self] function, request in try api(function, request) },
                onWindow: { windows.append(.object($0["window"]?.objectValue ?? [:])) })
            outcome = CallOutcome(value: value, error: nil, windows: windows)
        } catch let error as PluginHostError where error.raisedMessage != nil {
            outcome = CallOutcome(value: nil, error: error.raisedMessage, windows: windows)
        } catch let error as PluginHostError where error.wasKilledByRunner {
            process.stop(grace: 0)
            throw .timedOut(
                file: environment.plugin.file, op: op ?? environment.plugin.config.name, input: input.label, call: calls,
                seconds: environment.timeout)
        } catch {
            process.stop(grace: 0)
            throw .setup(file: environment.plugin.file, reason: "call \(calls) on \(input.label): \(error)")
        }
        for name in pendingConfigWrites {
            effects.append(Effect(kind: .setConfig, subject: name, change: "saved", call: calls, input: input.label))
        }
        pendingConfigWrites.removeAll()
        do {
            let now = try process.globalsFingerprint()
            for name in Set(globals.keys).union(now.keys).sorted() where globals[name] != now[name] {
                let before = globals[name]?[1]?.stringValue ?? "(unset)"
                let after = now[name]?[1]?.stringValue ?? "(deleted)"
                // `env:NAME`: the host's process environment (os.environ, process.env).
                let isVariable = name.hasPrefix("env:")
                effects.append(
                    Effect(
                        kind: isVariable ? .environment : .global, subject: isVariable ? String(name.dropFirst(4)) : name,
                        change: "\(before) → \(after)", call: calls, input: input.label))
            }
            globals = now
        } catch {
            process.stop(grace: 0)
            throw .setup(file: environment.plugin.file, reason: "after call \(calls) on \(input.label): \(error)")
        }
        let later = environment.snapshot()
        for change in later.changes(since: snapshot) {
            effects.append(
                Effect(kind: .file, subject: environment.display(change.path), change: change.change, call: calls, input: input.label))
        }
        snapshot = later
        recordTracedEvents(call: calls, input: input.label)
        return outcome
    }

    /// The writes outside the watched folders and the network use the trace saw during the call.
    private func recordTracedEvents(call: Int, input: String) {
        for event in trace?.newEvents() ?? [] {
            switch event.kind {
            case .network:
                effects.append(Effect(kind: .network, subject: event.subject, change: event.syscall, call: call, input: input))
            case .write, .delete:
                guard !environment.ignoresTracedWrite(event.subject) else { continue }
                let change = event.kind == .delete ? "deleted" : "created"
                effects.append(Effect(kind: .file, subject: event.subject, change: change, call: call, input: input))
            }
        }
    }

    /// Asks the process to exit.
    func stop() { process.stop(grace: 1) }

    /// The api during a check: `getConfig`/`setConfig` against this process's own (empty at
    /// start) store, so a fresh process starts fresh; other plugins are not reachable.
    private func api(_ function: String, _ request: JSONObject) throws -> JSONValue {
        let name = request["name"]?.stringValue
        switch function {
        case "getConfig":
            guard let name else { return .null }
            if name.hasPrefix("_") { return environment.plugin.config.fields[String(name.dropFirst())] ?? .null }
            return savedConfig[name] ?? .null
        case "setConfig":
            guard let name else { throw PluginHostError.other("api.setConfig needs a name") }
            savedConfig[name] = request["value"] ?? .null
            pendingConfigWrites.append(name)
            return .null
        default:
            throw PluginHostError.other("api.\(function) is not available in check-functional")
        }
    }
}

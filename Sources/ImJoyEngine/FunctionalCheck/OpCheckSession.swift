import ImJoySchema

/// The calls and comparisons that check one op (see ``FunctionalCheck``).
struct OpCheckSession {
    typealias Report = FunctionalCheckReport
    static let fresh = "fresh processes"
    static let repeated = "repeated call"
    static let reverse = "reverse order"
    static let interleaved = "interleaved inputs"
    static let globals = "module globals"
    static let files = "files outside the out dir"
    static let setConfig = "api.setConfig"
    static let network = "network"
    static let environment = "environment variables"

    /// The op to call (`nil`: the plugin's `run`) and its name in the report.
    let op: String?
    let name: String
    let inputs: [CheckInput]
    let config: JSONObject
    let environment: CheckEnvironment
    private var report: Report.OpReport
    private var effects: [CheckedProcess.Effect] = []
    /// Per input: the first call's outcome in a fresh process, when two fresh processes agreed.
    private var baseline: [JSONValue?] = []

    init(op: String?, name: String, inputs: [CheckInput], config: JSONObject, environment: CheckEnvironment) {
        self.op = op
        self.name = name
        self.inputs = inputs
        self.config = config
        self.environment = environment
        report = Report.OpReport(op: name, inputs: inputs.map(\.label), config: config)
    }

    mutating func run() throws(FunctionalCheckError) -> Report.OpReport {
        try freshAndRepeated()
        let deterministic = baseline.contains { $0 != nil }
        if inputs.count < 2 {
            skip(Self.reverse, "needs two or more inputs")
            skip(Self.interleaved, "needs two or more inputs")
        } else if !deterministic {
            skip(Self.reverse, "no input gave the same result in two fresh processes")
            skip(Self.interleaved, "no input gave the same result in two fresh processes")
        } else {
            let reversed = Array(inputs.indices.reversed())
            try sequence(
                reversed, check: Self.reverse,
                detail:
                    "the inputs in reverse order in one process, against their fresh-process results (\(reversed.map { inputs[$0].label }.joined(separator: ", ")))"
            )
            let twice = Array(inputs.indices) + Array(inputs.indices)
            try sequence(
                twice, check: Self.interleaved,
                detail:
                    "the inputs in turn, twice, in one process, against their fresh-process results (\(twice.map { inputs[$0].label }.joined(separator: ", ")))"
            )
        }
        classifyEffects()
        return report
    }

    // MARK: - Calls

    /// Per input: two calls in one fresh process, one call in another.
    private mutating func freshAndRepeated() throws(FunctionalCheckError) {
        var nondeterministic = 0
        var stateful = 0
        for input in inputs {
            let first = try start()
            let once = try call(first, input)
            if let error = once.error {
                first.stop()
                throw .opFailed(file: environment.plugin.file, op: name, input: input.label, reason: error)
            }
            let again = try call(first, input)
            finish(first)
            let second = try start()
            let twin = try call(second, input)
            finish(second)
            if let difference = CallOutcome.difference(once.comparable, twin.comparable) {
                nondeterministic += 1
                baseline.append(nil)
                violate(
                    .nondeterminism, Self.fresh,
                    "the first call on \(input.label) gave different results in two fresh processes (\(difference))")
                continue
            }
            baseline.append(once.comparable)
            if let difference = CallOutcome.difference(once.comparable, again.comparable) {
                stateful += 1
                violate(.hiddenState, Self.repeated, "call 2 on \(input.label) in one process differs from call 1 (\(difference))")
            }
        }
        pass(Self.fresh, nondeterministic == 0, "the first call on each input, in two fresh processes")
        if nondeterministic == inputs.count {
            skip(Self.repeated, "results are nondeterministic, so a difference would prove nothing")
        } else {
            pass(Self.repeated, stateful == 0, "a second call on each input, in the same process as the first")
        }
    }

    /// Calls the inputs at `order` in one fresh process, comparing each with its baseline.
    private mutating func sequence(_ order: [Int], check: String, detail: String) throws(FunctionalCheckError) {
        let process = try start()
        var found = 0
        for (position, index) in order.enumerated() {
            let outcome = try call(process, inputs[index])
            guard let expected = baseline[index] else { continue }
            if let difference = CallOutcome.difference(expected, outcome.comparable) {
                found += 1
                let after = order[..<position].map { inputs[$0].label }.joined(separator: ", ")
                violate(
                    .hiddenState, check,
                    "call \(position + 1) on \(inputs[index].label), after \(after), differs from its result in a fresh process (\(difference))"
                )
            }
        }
        finish(process)
        pass(check, found == 0, detail)
    }

    private mutating func start() throws(FunctionalCheckError) -> CheckedProcess {
        report.processes += 1
        let process = try CheckedProcess(number: report.processes, environment: environment)
        if let op, !process.registeredOps.contains(op) {
            process.stop()
            throw .unknownOp(file: environment.plugin.file, op: op, registered: process.registeredOps)
        }
        return process
    }

    private mutating func call(_ process: CheckedProcess, _ input: CheckInput) throws(FunctionalCheckError) -> CallOutcome {
        report.calls += 1
        return try process.call(op: op, input: input, config: config)
    }

    private mutating func finish(_ process: CheckedProcess) {
        process.stop()
        effects += process.effects
    }

    // MARK: - Side effects

    /// Turns the recorded effects into violations (calls after the first changing globals, any
    /// call writing a watched file or saving config) and notes (setup writes, a first call
    /// initialising globals).
    private mutating func classifyEffects() {
        // Each subject is reported once: as a violation at its first offending call, else as a note.
        var noted = Set<String>()
        var flagged = Set<String>()
        for effect in effects {
            let subject = "\(effect.kind.rawValue) \(effect.subject)"
            let call = "call \(effect.call) on \(effect.input)"
            switch (effect.kind, effect.call) {
            case (.file, 0):
                if noted.insert(subject).inserted {
                    report.notes.append("setup \(effect.change) \(effect.subject) (writes in setup are not checked)")
                }
            case (.global, 1):
                if noted.insert(subject).inserted {
                    report.notes.append(
                        "call 1 set \(effect.subject) (\(effect.change)): lazy initialisation is allowed, later changes are not")
                }
            case (.file, _):
                if flagged.insert(subject).inserted {
                    violate(.sideEffect, Self.files, "\(call) \(verb(effect.change)) \(effect.subject)")
                }
            case (.global, _):
                if flagged.insert(subject).inserted {
                    violate(.sideEffect, Self.globals, "\(call) changed \(effect.subject): \(effect.change)")
                }
            case (.environment, _):
                // The process environment outlives the call (and reaches child processes): even a first call's change counts.
                if flagged.insert(subject).inserted {
                    violate(.sideEffect, Self.environment, "\(call) changed the environment variable \(effect.subject): \(effect.change)")
                }
            case (.network, 0):
                if noted.insert(subject).inserted {
                    report.notes.append("setup used the network: \(effect.subject) (setup is not checked)")
                }
            case (.network, _):
                if flagged.insert(subject).inserted {
                    violate(.sideEffect, Self.network, "\(call) used the network: \(effect.subject)")
                }
            case (.setConfig, _):
                if flagged.insert(subject).inserted {
                    violate(.sideEffect, Self.setConfig, "\(call) saved api.setConfig('\(effect.subject)'), state that outlives the call")
                }
            }
        }
        let found = Set(report.violations.map(\.check))
        pass(
            Self.globals, !found.contains(Self.globals),
            "module globals and attributes of the exported object, after each call after the first")
        let traced = environment.traces
        pass(
            Self.files, !found.contains(Self.files),
            traced
                ? "files in the watched folders, before and after each call, and every file written anywhere (strace)"
                : "files in the watched folders, before and after each call (strace is not available: writes elsewhere are not seen)")
        pass(Self.setConfig, !found.contains(Self.setConfig), "values saved with api.setConfig during calls")
        pass(Self.environment, !found.contains(Self.environment), "the process environment (os.environ, process.env), after each call")
        if traced {
            pass(
                Self.network, !found.contains(Self.network),
                "sockets (AF_INET, AF_INET6) opened, connected, bound or sent to during calls (strace)")
        } else {
            skip(Self.network, "strace cannot trace here (not installed, or ptrace not allowed): network use is not seen")
        }
    }

    private func verb(_ change: String) -> String {
        switch change {
        case "created": "wrote"
        case "modified": "changed"
        default: "deleted"
        }
    }

    // MARK: - Recording

    private mutating func violate(_ kind: Report.ViolationKind, _ check: String, _ message: String) {
        report.violations.append(Report.Violation(kind: kind, check: check, message: "\(kind.label): \(message)"))
    }

    private mutating func pass(_ check: String, _ passed: Bool, _ detail: String) {
        report.checks.append(Report.Check(name: check, status: passed ? .passed : .violated, detail: detail))
    }

    private mutating func skip(_ check: String, _ reason: String) {
        report.checks.append(Report.Check(name: check, status: .skipped, detail: reason))
    }
}

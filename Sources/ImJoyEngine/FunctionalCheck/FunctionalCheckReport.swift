import ImJoySchema

/// What `check-functional` found for a plugin: per op the checks it ran and the violations.
public struct FunctionalCheckReport: Sendable {
    /// The three ways a call can break the `functional` claim.
    public enum ViolationKind: String, Sendable, CaseIterable {
        /// A result depends on earlier calls in the same process.
        case hiddenState = "hidden-state"
        /// The same first call in two fresh processes gives different results.
        case nondeterminism
        /// A call changed something besides its result: files outside the out dir, module
        /// globals, `api.setConfig` values.
        case sideEffect = "side-effect"

        var label: String {
            switch self {
            case .hiddenState: "hidden state"
            case .nondeterminism: "nondeterminism"
            case .sideEffect: "side effect"
            }
        }
    }

    /// One violation with its evidence (which call, which input, what differed).
    public struct Violation: Sendable {
        public var kind: ViolationKind
        /// The check that found it (`repeated call`, `files outside the out dir`, …).
        public var check: String
        public var message: String
    }

    /// One check and how it went.
    public struct Check: Sendable {
        public enum Status: String, Sendable {
            case passed, violated, skipped
        }

        public var name: String
        public var status: Status
        /// What was compared, or why the check was skipped.
        public var detail: String
    }

    /// The checks of one op.
    public struct OpReport: Sendable {
        public var op: String
        public var inputs: [String]
        public var config: JSONObject
        public var processes = 0
        public var calls = 0
        public var checks: [Check] = []
        public var violations: [Violation] = []
        /// Observations that are not violations (setup writing files, lazy initialisation).
        public var notes: [String] = []
    }

    public var pluginFile: String
    public var pluginName: String
    public var tag: String?
    /// Whether the plugin declares the `functional` flag (it is checked either way).
    public var declaresFunctional: Bool
    public var ops: [OpReport]
    /// The folders watched for files written outside the out dir.
    public var watchedFolders: [String]

    /// Every violation of every op.
    public var violations: [Violation] { ops.flatMap(\.violations) }

    // MARK: - Rendering

    /// Violations the text shows per check (`--json` lists all).
    static let shownPerCheck = 5

    /// The human-readable report.
    public var text: String {
        var lines: [String] = []
        let tagText = tag.map { "@\($0)" } ?? ""
        lines.append(
            "check-functional \(pluginName)\(tagText) (\(pluginFile))"
                + (declaresFunctional ? "" : " — the plugin does not declare the functional flag"))
        for op in ops {
            lines.append(
                "op \(op.op): \(op.inputs.count) input\(op.inputs.count == 1 ? "" : "s") (\(op.inputs.joined(separator: ", "))), \(op.processes) processes, \(op.calls) calls"
            )
            for check in op.checks {
                let mark =
                    switch check.status {
                    case .passed: "ok       "
                    case .violated: "VIOLATION"
                    case .skipped: "skipped  "
                    }
                let name = check.name.padding(toLength: 26, withPad: " ", startingAt: 0)
                let found = op.violations.filter { $0.check == check.name }
                if found.isEmpty {
                    lines.append("  \(mark)  \(name)  \(check.detail)")
                } else {
                    let blank = String(repeating: " ", count: 26)
                    for (index, violation) in found.prefix(Self.shownPerCheck).enumerated() {
                        lines.append("  \(index == 0 ? mark : "         ")  \(index == 0 ? name : blank)  \(violation.message)")
                    }
                    if found.count > Self.shownPerCheck {
                        lines.append("             \(blank)  … and \(found.count - Self.shownPerCheck) more (--json lists all)")
                    }
                }
            }
            for note in op.notes { lines.append("  note: \(note)") }
        }
        lines.append("watched folders: \(watchedFolders.joined(separator: ", "))")
        let all = violations
        if all.isEmpty {
            lines.append("\(pluginName): no violation found")
        } else {
            let counts = ViolationKind.allCases.compactMap { kind -> String? in
                let count = all.filter { $0.kind == kind }.count
                return count == 0 ? nil : "\(kind.label) \(count)"
            }
            lines.append("\(pluginName): \(all.count) violation\(all.count == 1 ? "" : "s") (\(counts.joined(separator: ", ")))")
        }
        return lines.joined(separator: "\n")
    }

    /// The report for machines (`--json`).
    public var json: JSONValue {
        let opValues: [JSONValue] = ops.map { op in
            [
                "op": .string(op.op), "inputs": .array(op.inputs.map(JSONValue.string)), "config": .object(op.config),
                "processes": .integer(Int64(op.processes)), "calls": .integer(Int64(op.calls)),
                "checks": .array(
                    op.checks.map { ["name": .string($0.name), "status": .string($0.status.rawValue), "detail": .string($0.detail)] }),
                "violations": .array(
                    op.violations.map { ["kind": .string($0.kind.rawValue), "check": .string($0.check), "message": .string($0.message)] }),
                "notes": .array(op.notes.map(JSONValue.string)),
            ]
        }
        return [
            "plugin": [
                "file": .string(pluginFile), "name": .string(pluginName), "tag": tag.map(JSONValue.string) ?? .null,
                "functional": .bool(declaresFunctional),
            ],
            "watched": .array(watchedFolders.map(JSONValue.string)),
            "ops": .array(opValues),
            "violations": .integer(Int64(violations.count)),
        ]
    }
}

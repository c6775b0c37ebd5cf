import Foundation
import ImJoyPlugin
import ImJoySchema
import OrderedCollections

extension WorkflowValidator {
    /// Problems with an op's `answers`, `function`, `args` and `kwargs`, as `(path, message)`:
    /// their data expressions may use the item's inputs (`$inputs.NAME`), other ops' results
    /// (`$OPID`, `$OPID.field`: a dependency, as in `data`) and literals, and a `function` must be
    /// one the plugin defines, when its source tells.
    static func callProblems(_ op: OpSpec, workflow: Workflow, plugin: Plugin?) -> [(String, String)] {
        var problems: [(String, String)] = []
        let opIDs = Set(workflow.ops.map(\.id))
        for (path, expression) in op.callExpressions {
            for name in expression.referencedInputs where workflow.inputs[name] == nil {
                problems.append(
                    ("\(op.jsonPath).\(path)", "$inputs.\(name) is not among the inputs (\(workflow.inputs.keys.joined(separator: ", ")))"))
            }
            for source in expression.referencedOps {
                if source == op.id {
                    problems.append(("\(op.jsonPath).\(path)", "$\(source): an op cannot use its own result"))
                } else if !opIDs.contains(source) {
                    problems.append(
                        ("\(op.jsonPath).\(path)", "$\(source) names no op (ops: \(workflow.ops.map(\.id).joined(separator: ", ")))"))
                }
            }
        }
        for (function, list) in op.answers.byFunction {
            for (index, answer) in list.enumerated() {
                guard case .literal(let value) = answer, let problem = Self.answerProblem(function, value) else { continue }
                problems.append(("\(op.jsonPath).answers.\(function)" + (list.count > 1 ? "[\(index)]" : ""), problem))
            }
        }
        if let function = op.function, let plugin, !Self.defines(plugin, function: function.name) {
            let found = Self.definedFunctions(plugin)
            problems.append(
                (
                    "\(op.jsonPath).function",
                    "\(plugin.config.name) defines no function '\(function.name)' (found: \(found.isEmpty ? "none" : found.joined(separator: ", ")))"
                ))
        }
        return problems
    }

    /// Whether the plugin's scripts define a function or method `name` (`def name(`, `name(…) {`,
    /// `name: function`, `name = (…) =>`, `"name": …`).
    static func defines(_ plugin: Plugin, function name: String) -> Bool {
        let escaped = NSRegularExpression.escapedPattern(for: name)
        let patterns = [
            #"\bdef\s+"# + escaped + #"\s*\("#,
            #"(?m)^\s*(?:async\s+|static\s+)*"# + escaped + #"\s*\([^()]*\)\s*\{"#,
            #"\b"# + escaped + #"\s*[:=]\s*(?:async\s+)?(?:function\b|\(|[A-Za-z_$][\w$]*\s*=>|lambda\b)"#,
            #"["']"# + escaped + #"["']\s*:"#,
            #"\bapi\.export\(\s*"# + escaped + #"\b"#,
        ]
        return plugin.scripts.contains { script in
            patterns.contains { script.content.range(of: $0, options: .regularExpression) != nil }
        }
    }

    /// Function and method names the scripts define (`def x(`, `x(…) {`), for messages.
    static func definedFunctions(_ plugin: Plugin) -> [String] {
        let pattern = try! NSRegularExpression(
            pattern: #"(?m)(?:\bdef\s+([A-Za-z_]\w*)\s*\(|^\s*(?:async\s+)?([A-Za-z_$][\w$]*)\s*\([^()]*\)\s*\{)"#)
        var names: [String] = []
        for script in plugin.scripts {
            let text = script.content as NSString
            for match in pattern.matches(in: script.content, range: NSRange(location: 0, length: text.length)) {
                for group in 1...2 where match.range(at: group).location != NSNotFound {
                    let name = text.substring(with: match.range(at: group))
                    if !["if", "for", "while", "switch", "catch", "function"].contains(name), !names.contains(name) { names.append(name) }
                }
            }
        }
        return names
    }

    /// Sets each op's ``PlannedOp/sourceOpNames`` (ImJoy's `_source_op`: the sources' op names).
    static func nameSources(_ ops: inout [String: PlannedOp]) {
        let names = ops.mapValues(\.imjoyName)
        for id in Array(ops.keys) { ops[id]!.sourceOpNames = ops[id]!.sourceOps.map { names[$0] ?? $0 } }
    }

    /// Why a literal answer cannot answer `function`, or `nil`.
    static func answerProblem(_ function: String, _ value: JSONValue) -> String? {
        switch (function, value) {
        case ("confirm", .bool), ("prompt", _), ("showDialog", .object): return nil
        case ("showFileDialog", .string): return nil
        case ("showFileDialog", .array(let paths)) where paths.allSatisfy({ $0.stringValue != nil }): return nil
        case ("confirm", _): return "an answer to confirm is true or false, not \(value.serialized())"
        case ("showDialog", _): return "an answer to showDialog is an object of the form's field values, not \(value.serialized())"
        default: return "an answer to showFileDialog is a path or a list of paths, not \(value.serialized())"
        }
    }
}

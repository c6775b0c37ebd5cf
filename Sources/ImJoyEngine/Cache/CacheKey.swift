import Foundation
import ImJoySchema

/// The parts a result-cache key is made of; the index keeps them to explain reruns.
struct CacheKey: Codable, Equatable, Sendable {
    /// The code: plugin file content + tag, or built-in name + runner version.
    var code: String
    var op: String
    /// The config's canonical text.
    var config: String
    /// The identity of the data: a hash of its content, or of the keys of the results it is made of.
    var inputs: String
    var format: Int
    /// Plugin ops only: `ctx._variables`, which a plugin may read (built-ins never do).
    var variables: String? = nil
    /// Plugin ops only: the runtime the plugin runs on (interpreter, packages, host program).
    var runtime: RuntimeIdentity? = nil

    /// The key: SHA-256 of the parts.
    var key: String {
        var text = "imjoy-run cache \(format)\n\(code)\n\(op)\n\(config)\n\(inputs)" + (variables.map { "\nvariables \($0)" } ?? "")
        if let runtime { text += "\nruntime \(runtime.keyText)" }
        return SHA256.hex(Data(text.utf8))
    }

    /// One line: what differs between the previous key's parts and these.
    func explain(since previous: CacheKey, previousKey: String, sourceOps: [String] = []) -> String {
        if previousKey == key { return "its cache entry is gone (pruned or never completed)" }
        var reasons: [String] = []
        if previous.format != format { reasons.append("cache format changed \(previous.format) → \(format)") }
        if previous.code != code {
            reasons.append(code.hasPrefix("builtin:") ? "runner version changed" : "plugin code or tag changed")
        }
        if previous.op != op { reasons.append("op changed \(previous.op) → \(op)") }
        if previous.config != config { reasons += Self.configChanges(previous.config, config) }
        if previous.variables != variables { reasons.append("workflow variables changed") }
        if previous.runtime != runtime { reasons += RuntimeIdentity.changes(from: previous.runtime, to: runtime) }
        if previous.inputs != inputs {
            reasons.append(sourceOps.isEmpty ? "its input data changed" : "its input from \(sourceOps.joined(separator: ", ")) changed")
        }
        return reasons.isEmpty ? "its key changed" : reasons.joined(separator: "; ")
    }

    private static func configChanges(_ old: String, _ new: String) -> [String] {
        let before = (try? JSONValue(jsonText: old))?.objectValue ?? [:]
        let after = (try? JSONValue(jsonText: new))?.objectValue ?? [:]
        var reasons: [String] = []
        for name in Set(before.keys).union(after.keys).sorted() {
            switch (before[name], after[name]) {
            case (let a?, let b?) where a.canonicalText != b.canonicalText:
                reasons.append("config.\(name) changed \(a.serialized()) → \(b.serialized())")
            case (nil, let b?): reasons.append("config.\(name) added (\(b.serialized()))")
            case (let a?, nil): reasons.append("config.\(name) removed (was \(a.serialized()))")
            default: break
            }
        }
        return reasons
    }
}

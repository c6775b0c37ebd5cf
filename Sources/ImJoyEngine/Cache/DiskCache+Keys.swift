import Foundation
import ImJoySchema
import ImJoyWorkflow

/// How a call's ``CacheKey`` is made.
extension DiskCache {
    func components(_ call: OpCall, sourceKeys: [String: String]) -> CacheKey? {
        let op = call.op
        guard Self.isCacheable(op), let code = codeIdentity[op.id], !RemoteInputKeys.namesRemote(call.data) else { return nil }
        let base = plan.workflow.baseDirectory
        let inputs: String
        if !op.sourceOps.isEmpty, op.sourceOps.allSatisfy({ sourceKeys[$0] != nil }) {
            // The data is made of cached results: their keys identify it (no rehashing arrays).
            var parts = [expressionText[op.id] ?? "expression \(op.data)"]
            for source in op.sourceOps.sorted() { parts.append("\(source)=\(sourceKeys[source]!)") }
            parts.append("inputs " + inputIdentity(call.item, base: base))
            inputs = SHA256.hex(Data(parts.joined(separator: "\n").utf8))
        } else {
            inputs = SHA256.hex(Data(hashes.contentIdentity(call.data, base: base).canonicalText.utf8))
        }
        let name: String =
            switch op.spec.target {
            case .builtin(let name): name
            case .plugin(_, let opName): opName ?? op.id
            }
        // Answers and arguments may hold upstream results and file paths: identified by content.
        let scripted = call.scriptedParts.map { "\n" + hashes.contentIdentity($0, base: base).canonicalText } ?? ""
        var parts = CacheKey(
            code: code, op: name, config: JSONValue.object(call.config).canonicalText + scripted, inputs: inputs,
            format: RunnerInfo.cacheFormatVersion)
        if case .plugin = op.spec.target {
            parts.variables = (call.context["_variables"] ?? .object([:])).canonicalText
            parts.runtime = call.runtime
        }
        return parts
    }

    /// The canonical text of `item`'s inputs with file contents hashed, made once per item.
    private func inputIdentity(_ item: WorkItem, base: String) -> String {
        if let known = state.withLock({ $0.inputIdentities[item.index] }) { return known }
        let sorted = JSONObject(uniqueKeysWithValues: item.inputs.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        let text = hashes.contentIdentity(.object(sorted), base: base).canonicalText
        state.withLock { $0.inputIdentities[item.index] = text }
        return text
    }
}

import Foundation
import ImJoySchema

// Input-side limits of workflow files: what is read, how it is parsed, and the bounds of
// numeric fields. Documented in docs/workflow-format.md, "Limits".

extension WorkflowLoader {
    /// The largest `retries` accepted.
    public static let maximumRetries = 100
    /// The longest `timeout` accepted, in seconds (30 days).
    public static let maximumTimeoutSeconds: Double = 30 * 24 * 3600

    /// The text of the workflow file at `path`: a regular file of at most
    /// ``DocumentFile/maximumWorkflowBytes``, all of it UTF-8.
    static func readWorkflowText(_ path: String) throws(WorkflowError) -> String {
        let data: Data
        do { data = try DocumentFile.read(path, limit: DocumentFile.maximumWorkflowBytes) } catch {
            throw WorkflowError(file: path, message: "cannot read the workflow file: \(error)")
        }
        if let offset = UTF8Validation.firstInvalidByteOffset(in: data) {
            throw WorkflowError(
                file: path,
                message: "not UTF-8 text: invalid byte 0x\(String(data[data.startIndex + offset], radix: 16)) at byte offset \(offset)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Parses workflow text: JSON with duplicate keys refused, or YAML with aliases capped.
    static func parseWorkflowText(_ text: String, file: String, isYAML: Bool) throws(WorkflowError) -> JSONValue {
        let size = text.utf8.count
        guard size <= DocumentFile.maximumWorkflowBytes else {
            throw WorkflowError(
                file: file, message: "the workflow is \(size) bytes, above the limit of \(DocumentFile.maximumWorkflowBytes) bytes")
        }
        do {
            if isYAML { return try JSONValue(yamlText: text) }
            return try JSONValue(jsonBytes: text.utf8, rejectingDuplicateKeys: true)
        } catch {
            throw WorkflowError(file: file, message: "not valid \(isYAML ? "YAML" : "JSON"): \(error)")
        }
    }
}

extension FieldReader {
    /// An op's `timeout`: seconds, above 0 and at most ``WorkflowLoader/maximumTimeoutSeconds``.
    func timeoutField(_ value: JSONValue?, path: String, op: String) throws(WorkflowError) -> Double? {
        guard let value, !value.isNull else { return nil }
        guard let seconds = value.doubleValue, seconds > 0 else { throw error(path, "must be a positive number of seconds", op: op) }
        guard seconds <= WorkflowLoader.maximumTimeoutSeconds else {
            throw error(
                path, "\(value.serialized()) is above the maximum of \(Int(WorkflowLoader.maximumTimeoutSeconds)) seconds (30 days)", op: op
            )
        }
        return seconds
    }

    /// An op's `retries`: a whole number from 0 to ``WorkflowLoader/maximumRetries``.
    func retriesField(_ value: JSONValue?, path: String, op: String) throws(WorkflowError) -> Int? {
        guard let value, !value.isNull else { return nil }
        guard let count = value.intValue, count >= 0 else { throw error(path, "must be a whole number ≥ 0", op: op) }
        guard count <= WorkflowLoader.maximumRetries else {
            throw error(path, "\(count) is above the maximum of \(WorkflowLoader.maximumRetries) retries", op: op)
        }
        return count
    }
}

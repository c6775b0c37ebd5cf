import Foundation
import ImJoyPlugin
import ImJoySchema

extension PluginHosts {
    // MARK: - Answers to interactive api calls

    /// Answers the interactive api call in `request` (`function`, the `message` the plugin shows,
    /// its `default`, its `options` / dialog config) from the op's `answers`, shaped as ImJoy
    /// returns it for the caller's api_version: `{"value": …}`, with a `note` when a default was
    /// taken. Without an answer or default it fails, naming the `answers` entry to add.
    func answer(_ request: JSONObject, session: CallSession?, caller: PluginHost, origin: PluginEvent.Origin) throws -> JSONValue {
        let function = request["function"]?.stringValue ?? ""
        let options = request["options"]?.objectValue ?? [:]
        let message = Self.shownText(request, options: options)
        let next: (value: JSONValue?, position: Int) = session?.nextAnswer(function) ?? (Optional<JSONValue>.none, 1)
        switch function {
        case "prompt":
            if let value = next.value { return ["value": Self.promptText(value)] }
            if let fallback = request["default"], !fallback.isNull {
                return [
                    "value": Self.promptText(fallback),
                    "note": .string("prompt \(Self.quoted(message)): no answer in the workflow; took its default \(fallback.serialized())"),
                ]
            }
            throw unanswered(function, message: message, example: "\"text\"", position: next.position, session: session)
        case "confirm":
            guard let value = next.value else {
                throw unanswered(function, message: message, example: "true", position: next.position, session: session)
            }
            guard case .bool = value else {
                throw PluginHostError.other("answers.confirm[\(next.position - 1)] must be true or false, not \(value.serialized())")
            }
            return ["value": value]
        case "showFileDialog":
            guard let value = next.value else {
                throw unanswered(function, message: message, example: "\"path/to/file\"", position: next.position, session: session)
            }
            return ["value": try fileDialogResult(value, apiVersion: caller.plugin.config.apiVersion, session: session)]
        case "showDialog":
            return try dialogResult(next.value, config: options, message: message, position: next.position, session: session)
        default:
            throw PluginHostError.other("api.\(function) waits for a person, and imjoy-run has no answer for it")
        }
    }

    /// `showFileDialog`'s result: a path for api_version < 0.1.4, `{path}` up to 0.1.7, a list
    /// of `{path}` from 0.1.8 (an answer may be one path or a list of paths).
    private func fileDialogResult(_ value: JSONValue, apiVersion: String, session: CallSession?) throws -> JSONValue {
        let given = value.arrayValue ?? [value]
        var paths: [String] = []
        for entry in given {
            guard let path = entry.stringValue ?? entry["path"]?.stringValue else {
                throw PluginHostError.other("an answer to showFileDialog must be a path or a list of paths, not \(entry.serialized())")
            }
            let base = session?.baseDirectory ?? "."
            paths.append(path.hasPrefix("/") ? path : Self.absolute(base) + "/" + path)
        }
        guard let first = paths.first else { throw PluginHostError.other("an answer to showFileDialog is an empty list") }
        if APIVersion.compare(apiVersion, "0.1.8") >= 0 { return .array(paths.map { ["path": .string($0)] }) }
        if APIVersion.compare(apiVersion, "0.1.4") >= 0 { return ["path": .string(first)] }
        return paths.count == 1 ? .string(first) : .array(paths.map(JSONValue.string))
    }

    /// A form dialog's values: the answer's fields merged over the form's defaults.
    private func dialogResult(_ answer: JSONValue?, config: JSONObject, message: String, position: Int, session: CallSession?) throws
        -> JSONValue
    {
        let parameters = (try? UIParameter.parse(ui: config["ui"] ?? .null, at: PluginLocation(file: "showDialog"))) ?? []
        var values = JSONObject()
        for parameter in parameters { values[parameter.id] = parameter.defaultValue ?? .null }
        if let answer {
            guard let fields = answer.objectValue else {
                throw PluginHostError.other(
                    "an answer to showDialog must be an object of the form's fields (\(parameters.map(\.id).joined(separator: ", "))), not \(answer.serialized())"
                )
            }
            let known = Set(parameters.map(\.id))
            for (key, value) in fields {
                if !known.isEmpty && !known.contains(key) {
                    throw PluginHostError.other(
                        "the dialog \(Self.quoted(message)) has no field '\(key)' (fields: \(parameters.map(\.id).joined(separator: ", ")))"
                    )
                }
                values[key] = value
            }
            return ["value": .object(values)]
        }
        let missing = parameters.filter { $0.defaultValue == nil || $0.defaultValue == .null }
        if !parameters.isEmpty && missing.isEmpty {
            return [
                "value": .object(values),
                "note": .string(
                    "showDialog \(Self.quoted(message)): no answer in the workflow; took the form's defaults \(JSONValue.object(values).serialized())"
                ),
            ]
        }
        let example = "{" + (missing.isEmpty ? parameters : missing).map { "\"\($0.id)\": …" }.joined(separator: ", ") + "}"
        throw unanswered("showDialog", message: message, example: example.count > 2 ? example : "{…}", position: position, session: session)
    }

    /// The error for a call with no answer: the function, its message and the entry to add.
    private func unanswered(_ function: String, message: String, example: String, position: Int, session: CallSession?) -> PluginHostError {
        guard let session else {
            return .other(
                "api.\(function)(\(message.isEmpty ? "" : Self.quoted(message))) waits for a person, and setup() has no op to take answers from; ask in run() (answered by the op's \"answers\") or give a default"
            )
        }
        let have = session.answerCount(function)
        let entry =
            have == 0
            ? "\"answers\": {\"\(function)\": \(example)}"
            : "answer \(position) to \"answers\": {\"\(function)\": [...]} (call \(position) of api.\(function); the list has \(have), one per call in order, e.g. \(example))"
        let shown = message.isEmpty ? "" : Self.quoted(message)
        return .other("api.\(function)(\(shown)) waits for a person; add \(entry) to the op in the workflow")
    }

    /// `prompt` returns text, as a browser's prompt does.
    private static func promptText(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string, .null: value
        default: .string(value.serialized())
        }
    }

    private static func shownText(_ request: JSONObject, options: JSONObject) -> String {
        if let text = request["message"]?.stringValue, !text.isEmpty { return text }
        for key in ["name", "title", "content", "ui"] { if let text = options[key]?.stringValue, !text.isEmpty { return text } }
        return ""
    }

    private static func quoted(_ text: String) -> String {
        let short = text.count > 80 ? String(text.prefix(77)) + "…" : text
        return "'" + short.replacingOccurrences(of: "\n", with: " ") + "'"
    }
}

extension PluginHosts {
    /// Answers an api request made during a call with `session`: interactive calls from the
    /// session's answers, the rest as ``api(_:_:caller:origin:)`` does.
    func api(_ function: String, _ request: JSONObject, caller: PluginHost, origin: PluginEvent.Origin, session: CallSession?) throws
        -> JSONValue
    {
        switch function {
        case "answer": return try answer(request, session: session, caller: caller, origin: origin)
        default: return try api(function, request, caller: caller, origin: origin)
        }
    }

    /// The method and arguments of `call`: `run(ctx)`, or the op's `function` with its `args`
    /// and `kwargs` (evaluated for the item; kwargs travel as imjoy-rpc's trailing `_rkwarg` object).
    static func arguments(of call: OpCall) throws -> (method: String?, arguments: [JSONValue]) {
        guard let function = call.op.spec.function else { return (nil, [.object(call.context)]) }
        do {
            let values = try call.fieldValues()
            var arguments = values.args ?? []
            if var kwargs = values.kwargs {
                kwargs["_rkwarg"] = true
                arguments.append(.object(kwargs))
            }
            return (function.name, arguments)
        } catch {
            throw PluginHostError.other("op '\(call.op.id)': \(error)")
        }
    }

    /// The session of `call`: its answers evaluated for the item.
    func session(for call: OpCall) throws -> CallSession {
        do {
            return CallSession(answers: try call.fieldValues().answers, baseDirectory: baseDirectory)
        } catch {
            throw PluginHostError.other("op '\(call.op.id)' answers: \(error)")
        }
    }
}

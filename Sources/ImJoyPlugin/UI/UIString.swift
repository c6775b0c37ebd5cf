import Foundation
import ImJoySchema

/// ImJoy's `ui` mini-language: a string, or an array of strings and `{label: widget}` objects,
/// holding `{id:'x', type:'number', ...}` widgets in a JavaScript-like object syntax.
///
/// Parsing follows Joy.js exactly (`Joy.normalizeUI`, `Joy.initializeWithString`): an array is
/// joined with `<br>`; every top-level `{…}` is found by brace counting, rewritten with
/// `(\w+):` → `'$1':` and `'` → `"`, and parsed as JSON; `dataID` defaults to `id`.
public enum UIString {
    /// Normalizes a `ui` value to the markup string ImJoy builds from it.
    /// - Throws: ``UIParseFailure`` for an object `ui`, which ImJoy refuses.
    static func normalize(_ ui: JSONValue) throws(UIParseFailure) -> String {
        switch ui {
        case .null: return ""
        case .string(let text): return text.trimmingCharacters(in: .whitespacesAndNewlines)
        case .array(let items):
            var markup = ""
            for item in items {
                switch item {
                case .string(let text): markup += text + "<br>"
                case .object(let object):
                    for (key, value) in object {
                        markup += key + ": " + (value.stringValue ?? value.serialized()) + "<br>"
                    }
                default: markup += item.serialized() + "<br>"
                }
            }
            return markup
        case .object:
            throw UIParseFailure(reason: "ui can not be an object, you can only use a string or an array")
        default:
            return ""  // ImJoy drops other values with a console warning
        }
    }

    /// Parses every widget of a `ui` value into typed parameters, in order.
    static func parameters(of ui: JSONValue) throws(UIParseFailure) -> [UIParameter] {
        let markup = Array(try normalize(ui).unicodeScalars)
        var parameters: [UIParameter] = []
        var depth = 0
        var start = -1
        var labelStart = 0
        for (i, scalar) in markup.enumerated() {
            if depth == 0 && scalar == "{" { start = i }
            if scalar == "{" { depth += 1 }
            if scalar == "}" { depth -= 1 }
            if depth == 0 && scalar == "}" && start >= 0 {
                let widgetText = String(String.UnicodeScalarView(markup[start...i]))
                let label = labelText(String(String.UnicodeScalarView(markup[labelStart..<start])))
                let object = try parseWidget(widgetText)
                do {
                    parameters.append(try UIParameter(widget: object, label: label))
                } catch {
                    throw UIParseFailure(widget: widgetText, reason: error.reason)
                }
                labelStart = i + 1
                start = -1
            }
        }
        return parameters
    }

    /// Parses one `{…}` widget the way Joy.js does.
    static func parseWidget(_ text: String) throws(UIParseFailure) -> JSONObject {
        let quotedKeys = text.replacingOccurrences(
            of: "([A-Za-z0-9_]+):", with: "'$1':", options: .regularExpression)
        let json = quotedKeys.replacingOccurrences(of: "'", with: "\"")
        let value: JSONValue
        do {
            value = try JSONValue(jsonText: json)
        } catch {
            throw UIParseFailure(widget: text, reason: "not valid after Joy's quoting (\(json)): \(error.message)")
        }
        guard let object = value.objectValue else {
            throw UIParseFailure(widget: text, reason: "a widget must be an object")
        }
        return object
    }

    /// The label before a widget: the text after the last `<br>`, tags stripped, without a trailing colon.
    private static func labelText(_ text: String) -> String {
        let lastLine = text.components(separatedBy: "<br>").last ?? text
        let stripped = lastLine.replacingOccurrences(of: "<[^>]*>", with: "", options: .regularExpression)
        var label = stripped.trimmingCharacters(in: .whitespacesAndNewlines)
        if label.hasSuffix(":") { label.removeLast() }
        return label.trimmingCharacters(in: .whitespaces)
    }
}

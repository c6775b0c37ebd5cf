import Foundation
import ImJoySchema

/// An op a plugin registers with `api.register(...)`, as far as its source text tells.
public struct RegisteredOp: Sendable, Equatable {
    /// The op's `name`.
    public var name: String
    /// Its `ui` string, when written as a string literal in the call.
    public var ui: String?

    /// The parameters its `ui` declares; `nil` when it has no literal `ui` or that does not parse.
    public var parameters: [UIParameter]? { ui.flatMap { try? UIString.parameters(of: .string($0)) } }
}

/// Finds `api.register(...)` calls in a plugin's scripts and reads the `name` and `ui` literals
/// they pass (keyword form `name="X"` or dict form `"name": "X"`).
///
/// This is static, best-effort text analysis, done so that `validate` can check op names and
/// configs before any plugin process starts. A name built at run time is not seen; the plugin
/// host confirms registered ops when the plugin starts.
public enum RegisteredOpScanner {
    private static let call = try! NSRegularExpression(pattern: #"api\s*\.\s*register\s*\("#)
    private static let name = try! NSRegularExpression(pattern: #"(?:\bname\s*=\s*|["']name["']\s*:\s*|\bname\s*:\s*)(["'])([^"'\n]+)\1"#)
    private static let ui = try! NSRegularExpression(pattern: #"(?:\bui\s*=\s*|["']ui["']\s*:\s*|\bui\s*:\s*)(["'])((?:(?!\1).)*)\1"#)

    /// The ops registered in `scripts`, in order of appearance.
    public static func scan(_ scripts: [PluginScript]) -> [RegisteredOp] {
        var ops: [RegisteredOp] = []
        for script in scripts {
            let text = script.content as NSString
            for match in call.matches(in: script.content, range: NSRange(location: 0, length: text.length)) {
                let start = match.range.location + match.range.length
                let end = closingParenthesis(in: text, from: start)
                let range = NSRange(location: start, length: end - start)
                guard let nameMatch = name.firstMatch(in: script.content, range: range) else { continue }
                let opName = text.substring(with: nameMatch.range(at: 2))
                let uiText =
                    ui.firstMatch(in: script.content, range: range).map { text.substring(with: $0.range(at: 2)) }
                    ?? widgetMarkup(in: text, range: range)
                if !ops.contains(where: { $0.name == opName }) { ops.append(RegisteredOp(name: opName, ui: uiText)) }
            }
        }
        return ops
    }

    private static let uiList = try! NSRegularExpression(pattern: #"(?:\bui\s*=\s*|["']ui["']\s*:\s*|\bui\s*:\s*)[\[{]"#)
    private static let widget = try! NSRegularExpression(pattern: #"\{[^{}]*\bid\s*["']?\s*:[^{}]*\}"#)

    /// A `ui` written as a list or object literal (`ui: [{"Label": {id: 'x', type: 'number'}}]`,
    /// as JavaScript plugins do): its widgets' `{…}` texts, which Joy.js's markup parsing reads.
    private static func widgetMarkup(in text: NSString, range: NSRange) -> String? {
        let content = text as String
        guard let start = uiList.firstMatch(in: content, range: range) else { return nil }
        let open = start.range.location + start.range.length - 1
        var depth = 0
        var end = open
        while end < range.location + range.length {
            let c = text.character(at: end)
            if c == 0x5B || c == 0x7B { depth += 1 }
            if c == 0x5D || c == 0x7D {
                depth -= 1
                if depth == 0 { break }
            }
            end += 1
        }
        let literal = NSRange(location: open, length: end - open + 1)
        let widgets = widget.matches(in: content, range: literal).map { text.substring(with: $0.range) }
        return widgets.isEmpty ? nil : widgets.joined(separator: " ")
    }

    /// The offset of the parenthesis closing the call that starts at `start` (or the text's end).
    private static func closingParenthesis(in text: NSString, from start: Int) -> Int {
        var depth = 1
        var i = start
        while i < text.length {
            switch text.character(at: i) {
            case 0x28: depth += 1
            case 0x29:
                depth -= 1
                if depth == 0 { return i }
            default: break
            }
            i += 1
        }
        return text.length
    }
}

extension Plugin {
    /// Ops the plugin registers with `api.register`, found by ``RegisteredOpScanner``.
    public var registeredOps: [RegisteredOp] { RegisteredOpScanner.scan(scripts) }
}

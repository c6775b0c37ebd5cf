import Foundation

/// A regular expression written in ECMA-262 syntax (JSON Schema `pattern`,
/// `patternProperties`, ImJoy's `file.mime`), compiled once and run with ICU
/// (`NSRegularExpression`).
///
/// ICU and ECMA-262 agree on most syntax (classes, groups, lookahead, lookbehind, back
/// references, lazy quantifiers, `\uXXXX`). The pattern is rewritten before compiling so that
/// the common differences disappear:
/// - `\d`, `\D`, `\w`, `\W` are ASCII-only, as in ECMA-262 (ICU would match other scripts' digits
///   and letters);
/// - `$` outside a class matches only at the very end (ICU also matches before a final line break).
///
/// Remaining differences: matching works on Unicode code points (like ECMA-262's `u` flag, so
/// `.` matches a whole emoji), `\s` follows ICU's Unicode white space, and ICU accepts a few
/// constructs ECMA-262 rejects (possessive quantifiers, `\A`, `\z`, `(?i)` flags, POSIX classes).
struct ECMARegex: @unchecked Sendable {
    // NSRegularExpression is immutable and documented as safe to use from several threads.
    private let regex: NSRegularExpression
    /// The pattern as written in the schema.
    let pattern: String

    /// Compiles `pattern`; throws a message when it is not a valid regular expression.
    init(_ pattern: String) throws(ECMARegexError) {
        self.pattern = pattern
        do {
            guard let translated = ECMARegex.translate(pattern) else { throw ECMARegexError(pattern: pattern) }
            regex = try NSRegularExpression(pattern: translated, options: [])
        } catch {
            throw ECMARegexError(pattern: pattern)
        }
    }

    /// Whether the pattern matches anywhere in `text` (an unanchored search, as ECMA-262's `test`).
    func search(_ text: String) -> Bool {
        let utf16Count = text.utf16.count
        return regex.firstMatch(in: text, options: [], range: NSRange(location: 0, length: utf16Count)) != nil
    }

    /// Rewrites the ECMA-262 escapes whose ICU meaning differs; `nil` for a letter escape that
    /// ECMA-262 does not define (`\a`, `\e`, `\z`, ...).
    static func translate(_ pattern: String) -> String? {
        var out = ""
        var isInClass = false
        var iterator = pattern.makeIterator()
        while let character = iterator.next() {
            switch character {
            case "\\":
                guard let escaped = iterator.next() else {
                    out.append("\\")
                    break
                }
                guard let translated = translateEscape(escaped, isInClass: isInClass) else { return nil }
                out += translated
            case "[" where !isInClass:
                isInClass = true
                out.append(character)
            case "]" where isInClass:
                isInClass = false
                out.append(character)
            case "$" where !isInClass:
                out += "(?![\\s\\S])"
            default:
                out.append(character)
            }
        }
        return out
    }

    private static let ecmaLetterEscapes = Set("dDwWsSbBnrtfvcxukpP")

    private static func translateEscape(_ escaped: Character, isInClass: Bool) -> String? {
        if escaped.isASCII && escaped.isLetter && !ecmaLetterEscapes.contains(escaped) { return nil }
        return switch escaped {
        case "d": isInClass ? "0-9" : "[0-9]"
        case "D": isInClass ? "\\D" : "[^0-9]"
        case "w": isInClass ? "a-zA-Z0-9_" : "[a-zA-Z0-9_]"
        case "W": isInClass ? "\\W" : "[^a-zA-Z0-9_]"
        default: "\\" + String(escaped)
        }
    }
}

/// A `pattern` that is not a valid regular expression.
struct ECMARegexError: Error, CustomStringConvertible {
    var pattern: String
    var description: String { "invalid regular expression \"\(pattern)\"" }
}

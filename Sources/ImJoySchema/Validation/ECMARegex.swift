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
/// - `$` outside a class matches only at the very end (ICU also matches before a final line break);
/// - `[` and `&` inside a class are literal (ICU reads them as set operations), `[]` matches nothing,
///   `[^]` anything, and a `{` or `}` that is not part of a quantifier is literal.
///
/// Remaining differences: matching works on Unicode code points (like ECMA-262's `u` flag, so
/// `.` matches a whole emoji), `\s` follows ICU's Unicode white space, and ICU accepts a few
/// constructs ECMA-262 rejects (possessive quantifiers, `\A`, `\z`, `(?i)` flags, POSIX classes).
///
/// swift-corelibs-foundation leaks a copy of patterns longer than 256 UTF-16 units at each
/// compile (see Fuzz/lsan-suppressions.txt); compile long patterns once, not per validation.
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

    /// Rewrites ECMA-262 syntax whose ICU meaning differs; `nil` for syntax ECMA-262 rejects
    /// (a letter escape it does not define such as `\a`, inline flags `(?i)`, comments `(?#...)`).
    static func translate(_ pattern: String) -> String? {
        var out = ""
        var isInClass = false
        let characters = Array(pattern)
        var index = 0
        func next(_ offset: Int = 1) -> Character? {
            index + offset < characters.count ? characters[index + offset] : nil
        }
        while index < characters.count {
            let character = characters[index]
            switch character {
            case "\\":
                guard let escaped = next() else { return nil }
                if "pPu".contains(escaped), next(2) == "{" {
                    // \p{Property} and \u{Code point}: copy the braces through (\u{...} is \x{...} in ICU).
                    guard let close = characters[(index + 2)...].firstIndex(of: "}") else { return nil }
                    out += (escaped == "u" ? "\\x" : "\\" + String(escaped)) + String(characters[(index + 2)...close])
                    index = close + 1
                    continue
                }
                guard let translated = translateEscape(escaped, isInClass: isInClass) else { return nil }
                out += translated
                index += 1
            case "[" where !isInClass:
                if next() == "]" {  // [] matches nothing
                    out += "(?!)"
                    index += 1
                } else if next() == "^" && next(2) == "]" {  // [^] matches anything
                    out += "[\\s\\S]"
                    index += 2
                } else {
                    isInClass = true
                    out.append(character)
                    if next() == "^" {
                        out.append("^")
                        index += 1
                    }
                }
            case "[" where isInClass, "&" where isInClass:  // literal in ECMA-262 classes, set syntax in ICU
                out += "\\" + String(character)
            case "]" where isInClass:
                isInClass = false
                out.append(character)
            case "$" where !isInClass:
                out += "(?![\\s\\S])"
            case "{" where !isInClass && !isQuantifier(characters, from: index):
                out += "\\{"  // a literal brace, as ECMA-262 (Annex B) allows; ICU would reject it
            case "}" where !isInClass:
                if out.hasSuffix("\\{") || !isInQuantifier(out) { out += "\\}" } else { out.append(character) }
            case "(" where !isInClass && next() == "?":
                guard let kind = next(2), ":=!<".contains(kind) else { return nil }
                out.append(character)
            default:
                out.append(character)
            }
            index += 1
        }
        return out
    }

    /// Whether `{` at `index` starts a quantifier `{n}`, `{n,}` or `{n,m}`.
    private static func isQuantifier(_ characters: [Character], from index: Int) -> Bool {
        var position = index + 1
        var digits = 0
        while position < characters.count, characters[position].isASCII, characters[position].isNumber {
            position += 1
            digits += 1
        }
        guard digits > 0, position < characters.count else { return false }
        if characters[position] == "," {
            position += 1
            while position < characters.count, characters[position].isASCII, characters[position].isNumber { position += 1 }
        }
        return position < characters.count && characters[position] == "}"
    }

    /// Whether the translated text ends inside an open quantifier `{n` / `{n,m`.
    private static func isInQuantifier(_ text: String) -> Bool {
        guard let open = text.lastIndex(of: "{") else { return false }
        let body = text[text.index(after: open)...]
        return !body.isEmpty && body.allSatisfy { ($0.isASCII && $0.isNumber) || $0 == "," }
            && text[..<open].last != "\\"
    }

    private static let ecmaLetterEscapes = Set("dDwWsSbBnrtfvcxukpP")

    private static func translateEscape(_ escaped: Character, isInClass: Bool) -> String? {
        if escaped.isASCII && escaped.isLetter && !ecmaLetterEscapes.contains(escaped) { return nil }
        return switch escaped {
        case "d": isInClass ? "0-9" : "[0-9]"
        case "D": isInClass ? "\\D" : "[^0-9]"
        case "w": isInClass ? "a-zA-Z0-9_" : "[a-zA-Z0-9_]"
        case "W": isInClass ? "\\W" : "[^a-zA-Z0-9_]"
        case "s": isInClass ? "\\s\\uFEFF" : "[\\s\\uFEFF]"
        case "S": isInClass ? "\\S" : "[^\\s\\uFEFF]"
        default: "\\" + String(escaped)
        }
    }
}

/// A `pattern` that is not a valid regular expression.
struct ECMARegexError: Error, CustomStringConvertible {
    var pattern: String
    var description: String { "invalid regular expression \"\(pattern)\"" }
}

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
// @unchecked: its NSRegularExpression is immutable and thread-safe; Foundation does not mark it Sendable.
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
        var translator = ECMARegexTranslator(pattern)
        return translator.translate()
    }
}

/// A `pattern` that is not a valid regular expression.
struct ECMARegexError: Error, CustomStringConvertible {
    var pattern: String
    var description: String { "invalid regular expression \"\(pattern)\"" }
}

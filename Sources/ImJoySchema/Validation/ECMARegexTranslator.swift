/// Rewrites an ECMA-262 pattern into ICU syntax, one character (or escape, or class opener) at a
/// time; see ``ECMARegex`` for the differences it removes. Each `translate…` step consumes what
/// it reads and returns `false` for syntax ECMA-262 rejects.
struct ECMARegexTranslator {
    private let characters: [Character]
    private var index = 0
    private var out = ""
    private var isInClass = false

    init(_ pattern: String) {
        characters = Array(pattern)
    }

    /// The ICU pattern, or `nil` for syntax ECMA-262 rejects.
    mutating func translate() -> String? {
        while index < characters.count {
            guard translateNext() else { return nil }
        }
        return out
    }

    /// The character `offset` places after the current one, if any.
    private func next(_ offset: Int = 1) -> Character? {
        index + offset < characters.count ? characters[index + offset] : nil
    }

    /// Translates the construct starting at the current character and moves past it.
    private mutating func translateNext() -> Bool {
        let character = characters[index]
        switch character {
        case "\\":
            return translateBackslash()
        case "[" where !isInClass:
            openClass()
        case "[" where isInClass, "&" where isInClass:  // literal in ECMA-262 classes, set syntax in ICU
            out += "\\" + String(character)
        case "]" where isInClass:
            isInClass = false
            out.append(character)
        case "$" where !isInClass:
            out += "(?![\\s\\S])"
        case "{" where !isInClass && !Self.isQuantifier(characters, from: index):
            out += "\\{"  // a literal brace, as ECMA-262 (Annex B) allows; ICU would reject it
        case "}" where !isInClass:
            if out.hasSuffix("\\{") || !Self.isInQuantifier(out) { out += "\\}" } else { out.append(character) }
        case "(" where !isInClass && next() == "?":
            guard let kind = next(2), ":=!<".contains(kind) else { return false }
            out.append(character)
        default:
            out.append(character)
        }
        index += 1
        return true
    }

    /// A `\` escape: `\p{…}`, `\P{…}`, `\u{…}` with their braces, or a one-character escape.
    private mutating func translateBackslash() -> Bool {
        guard let escaped = next() else { return false }
        if "pPu".contains(escaped), next(2) == "{" {
            // \p{Property} and \u{Code point}: copy the braces through (\u{...} is \x{...} in ICU).
            guard let close = characters[(index + 2)...].firstIndex(of: "}") else { return false }
            out += (escaped == "u" ? "\\x" : "\\" + String(escaped)) + String(characters[(index + 2)...close])
            index = close + 1
            return true
        }
        guard let translated = Self.translateEscape(escaped, isInClass: isInClass) else { return false }
        out += translated
        index += 2
        return true
    }

    /// A `[` outside a class: `[]` matches nothing, `[^]` anything, otherwise a class opens
    /// (with its `^`). Leaves `index` on the last character it read.
    private mutating func openClass() {
        if next() == "]" {  // [] matches nothing
            out += "(?!)"
            index += 1
        } else if next() == "^" && next(2) == "]" {  // [^] matches anything
            out += "[\\s\\S]"
            index += 2
        } else {
            isInClass = true
            out.append("[")
            if next() == "^" {
                out.append("^")
                index += 1
            }
        }
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

    /// The ICU text for the one-character escape `\escaped`; `nil` for a letter ECMA-262 does not define.
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

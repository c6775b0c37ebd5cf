/// `pattern`: an unanchored ECMA-262 regular expression search.
struct PatternKeyword: Keyword {
    let regex: ECMARegex
    let schemaPath: String

    func validate(_ instance: JSONValue, _ context: inout ValidationContext) -> Bool {
        guard case .string(let text) = instance else { return true }
        if regex.search(text) { return true }
        context.report("pattern", at: schemaPath, "expected a string matching /\(regex.pattern)/, got \"\(text)\"")
        return false
    }
}

/// `format`: the string has the named format (non-strings pass).
struct FormatKeyword: Keyword {
    let format: StringFormat
    let schemaPath: String

    func validate(_ instance: JSONValue, _ context: inout ValidationContext) -> Bool {
        guard case .string(let text) = instance else { return true }
        if format.matches(text) { return true }
        context.report("format", at: schemaPath, "expected a \(format.name) string, got \"\(text)\"")
        return false
    }
}

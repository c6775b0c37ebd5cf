/// `minLength` and `maxLength`, counted in Unicode code points.
struct StringLengthKeyword: Keyword {
    let isMinimum: Bool
    let limit: Int
    let schemaPath: String

    func validate(_ instance: JSONValue, _ context: inout ValidationContext) -> Bool {
        guard case .string(let text) = instance else { return true }
        let isValid: Bool
        if isMinimum {
            // Each code point takes 1 to 4 UTF-8 bytes: decide from the byte count when possible.
            isValid = text.utf8.count / 4 >= limit || text.unicodeScalars.count >= limit
        } else {
            isValid = text.utf8.count <= limit || text.unicodeScalars.count <= limit
        }
        if isValid { return true }
        context.report(
            isMinimum ? "minLength" : "maxLength", at: schemaPath,
            "expected a string of \(isMinimum ? "at least" : "at most") \(limit) characters, got \(text.unicodeScalars.count)")
        return false
    }
}

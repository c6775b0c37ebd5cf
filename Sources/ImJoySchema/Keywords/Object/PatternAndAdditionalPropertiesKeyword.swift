/// `patternProperties` and `additionalProperties` together, since the latter depends on which
/// members `properties` and `patternProperties` cover.
struct PatternAndAdditionalPropertiesKeyword: Keyword {
    let patternProperties: [(regex: ECMARegex, schema: SchemaNode)]
    /// The member names `properties` declares (for `additionalProperties`).
    let declaredNames: Set<String>
    let additionalProperties: SchemaNode?

    func validate(_ instance: JSONValue, _ context: inout ValidationContext) -> Bool {
        guard case .object(let object) = instance else { return true }
        var isValid = true
        for (name, value) in object {
            var isMatched = declaredNames.contains(name)
            for (regex, schema) in patternProperties where regex.search(name) {
                isMatched = true
                if !context.validate(value, at: .key(name), with: schema) {
                    isValid = false
                    if !context.isCollecting || context.isFull { return false }
                }
            }
            guard !isMatched, let additionalProperties else { continue }
            if !context.validate(value, at: .key(name), with: additionalProperties) {
                isValid = false
                if !context.isCollecting || context.isFull { return false }
            }
        }
        return isValid
    }
}

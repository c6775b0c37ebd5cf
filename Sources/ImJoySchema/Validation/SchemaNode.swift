/// A compiled (sub)schema: the keywords that apply to one instance value.
///
/// Nodes are created before their keywords so that `$ref` cycles can point at them; they are
/// filled in during compilation only and never change afterwards, which makes sharing them
/// across threads safe.
// @unchecked: filled in during compilation only, immutable once shared (see above).
final class SchemaNode: @unchecked Sendable {
    /// The location of this schema (`#/definitions/a`).
    let schemaPath: String
    private(set) var keywords: [any Keyword] = []

    init(schemaPath: String) {
        self.schemaPath = schemaPath
    }

    /// Sets the keywords (compilation only).
    func setKeywords(_ keywords: [any Keyword]) {
        self.keywords = keywords
    }

    /// Checks `instance` against every keyword; when collecting, goes on after a failure until
    /// the error limit.
    func validate(_ instance: JSONValue, _ context: inout ValidationContext) -> Bool {
        context.depth += 1
        defer { context.depth -= 1 }
        let maximumDepth = context.options.maximumDepth
        if context.depth > maximumDepth {
            context.report("$ref", at: schemaPath, "schema evaluation nested deeper than \(maximumDepth) levels (a $ref cycle?)")
            return false
        }
        var isValid = true
        for keyword in keywords where !keyword.validate(instance, &context) {
            isValid = false
            if !context.isCollecting || context.isFull { return false }
        }
        return isValid
    }
}

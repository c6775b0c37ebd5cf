/// The keyword form `url: {scheme, extension}` (or `url: true`).
struct URLKeyword: Keyword {
    let matcher: URLMatcher
    let schemaPath: String

    func validate(_ instance: JSONValue, _ context: inout ValidationContext) -> Bool {
        guard case .string(let text) = instance else {
            context.report("url", at: schemaPath, "expected a URL string, got \(instance.typeName)")
            return false
        }
        guard let problem = matcher.mismatch(text) else { return true }
        context.report("url", at: schemaPath, problem)
        return false
    }
}

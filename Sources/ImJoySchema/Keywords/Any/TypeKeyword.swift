/// `type`: the instance has one of the listed types (or, with imjoy-run's `"url"` type, is a
/// matching URL).
struct TypeKeyword: Keyword {
    let types: JSONTypeSet
    let names: [String]
    let url: URLMatcher?
    let schemaPath: String

    func validate(_ instance: JSONValue, _ context: inout ValidationContext) -> Bool {
        if types.contains(typeOf: instance) { return true }
        if let url, url.matches(instance) { return true }
        context.report("type", at: schemaPath, message(for: instance))
        return false
    }

    private func message(for instance: JSONValue) -> String {
        if let url, case .string(let text) = instance, types.isEmpty || !types.contains(.string) {
            return url.mismatchMessage(for: text)
        }
        let expected = names.count == 1 ? names[0] : "one of " + names.joined(separator: ", ")
        return "expected \(expected), got \(instance.typeName)"
    }
}

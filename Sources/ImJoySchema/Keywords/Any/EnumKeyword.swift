/// `enum`: the instance equals one of the values.
struct EnumKeyword: Keyword {
    let values: [JSONValue]
    let schemaPath: String

    func validate(_ instance: JSONValue, _ context: inout ValidationContext) -> Bool {
        if values.contains(instance) { return true }
        context.report(
            "enum", at: schemaPath,
            "expected one of \(values.map(\.description).joined(separator: ", ")), got \(instance)")
        return false
    }
}

/// `const`: the instance equals the value.
struct ConstKeyword: Keyword {
    let value: JSONValue
    let schemaPath: String

    func validate(_ instance: JSONValue, _ context: inout ValidationContext) -> Bool {
        if instance == value { return true }
        context.report("const", at: schemaPath, "expected \(value), got \(instance)")
        return false
    }
}

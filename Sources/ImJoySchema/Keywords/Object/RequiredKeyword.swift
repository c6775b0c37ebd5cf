/// `required`: the named members are present.
struct RequiredKeyword: Keyword {
    let names: [String]
    let schemaPath: String

    func validate(_ instance: JSONValue, _ context: inout ValidationContext) -> Bool {
        guard case .object(let object) = instance else { return true }
        var isValid = true
        for name in names where object[name] == nil {
            isValid = false
            context.report("required", at: schemaPath, "missing required property \"\(name)\"")
            if !context.isCollecting || context.isFull { return false }
        }
        return isValid
    }
}

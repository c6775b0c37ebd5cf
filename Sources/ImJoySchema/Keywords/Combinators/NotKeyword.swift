/// `not`: the instance does not match the schema.
struct NotKeyword: Keyword {
    let schema: SchemaNode
    let schemaPath: String

    func validate(_ instance: JSONValue, _ context: inout ValidationContext) -> Bool {
        var probe = context.probe()
        if !schema.validate(instance, &probe) { return true }
        context.report("not", at: schemaPath, "expected a value not matching the \"not\" schema")
        return false
    }
}

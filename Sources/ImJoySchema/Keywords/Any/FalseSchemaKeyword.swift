/// `false` as a schema: nothing is valid.
struct FalseSchemaKeyword: Keyword {
    let schemaPath: String

    func validate(_ instance: JSONValue, _ context: inout ValidationContext) -> Bool {
        context.report("false", at: schemaPath, "no value is allowed here (the schema is false)")
        return false
    }
}

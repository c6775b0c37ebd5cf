/// `propertyNames`: every member name matches the schema.
struct PropertyNamesKeyword: Keyword {
    let schema: SchemaNode
    let schemaPath: String

    func validate(_ instance: JSONValue, _ context: inout ValidationContext) -> Bool {
        guard case .object(let object) = instance else { return true }
        var probe = context.probe()
        for name in object.keys where !schema.validate(.string(name), &probe) {
            context.report("propertyNames", at: schemaPath, "property name \"\(name)\" does not match the propertyNames schema")
            return false
        }
        return true
    }
}

/// `allOf`: the instance matches every schema.
struct AllOfKeyword: Keyword {
    let schemas: [SchemaNode]

    func validate(_ instance: JSONValue, _ context: inout ValidationContext) -> Bool {
        var isValid = true
        for schema in schemas where !schema.validate(instance, &context) {
            isValid = false
            if !context.isCollecting || context.isFull { return false }
        }
        return isValid
    }
}

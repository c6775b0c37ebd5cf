/// `false` as a schema: nothing is valid.
struct FalseSchemaKeyword: Keyword {
    let schemaPath: String

    func validate(_ instance: JSONValue, _ context: inout ValidationContext) -> Bool {
        context.report("false", at: schemaPath, "no value is allowed here (the schema is false)")
        return false
    }
}

/// `enum`: the instance equals one of the values.
struct EnumKeyword: Keyword {
    let values: [JSONValue]
    let schemaPath: String

    func validate(_ instance: JSONValue, _ context: inout ValidationContext) -> Bool {
        if values.contains(instance) { return true }
        context.report("enum", at: schemaPath,
                       "expected one of \(values.map(\.description).joined(separator: ", ")), got \(instance)")
        return false
    }
}

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

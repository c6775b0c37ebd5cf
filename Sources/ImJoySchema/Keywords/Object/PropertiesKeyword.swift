/// `properties`: each named member that is present matches its schema.
struct PropertiesKeyword: Keyword {
    let properties: [(name: String, schema: SchemaNode)]

    func validate(_ instance: JSONValue, _ context: inout ValidationContext) -> Bool {
        guard case .object(let object) = instance else { return true }
        var isValid = true
        for (name, schema) in properties {
            guard let value = object[name] else { continue }
            if !context.validate(value, at: .key(name), with: schema) {
                isValid = false
                if !context.isCollecting || context.isFull { return false }
            }
        }
        return isValid
    }
}

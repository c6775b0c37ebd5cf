/// `items` with one schema: every element matches it.
struct ItemsKeyword: Keyword {
    let items: SchemaNode

    func validate(_ instance: JSONValue, _ context: inout ValidationContext) -> Bool {
        guard case .array(let array) = instance else { return true }
        var isValid = true
        for (index, element) in array.enumerated() where !context.validate(element, at: .index(index), with: items) {
            isValid = false
            if !context.isCollecting || context.isFull { return false }
        }
        return isValid
    }
}

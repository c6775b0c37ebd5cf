/// `items` as an array (a tuple) with `additionalItems` for the elements after it.
struct TupleItemsKeyword: Keyword {
    let items: [SchemaNode]
    let additionalItems: SchemaNode?

    func validate(_ instance: JSONValue, _ context: inout ValidationContext) -> Bool {
        guard case .array(let array) = instance else { return true }
        var isValid = true
        for (index, element) in array.enumerated() {
            let schema: SchemaNode
            if index < items.count {
                schema = items[index]
            } else if let additionalItems {
                schema = additionalItems
            } else {
                break
            }
            if !context.validate(element, at: .index(index), with: schema) {
                isValid = false
                if !context.isCollecting || context.isFull { return false }
            }
        }
        return isValid
    }
}

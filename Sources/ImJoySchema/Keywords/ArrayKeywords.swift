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

/// `contains`: at least one element matches.
struct ContainsKeyword: Keyword {
    let schema: SchemaNode
    let schemaPath: String

    func validate(_ instance: JSONValue, _ context: inout ValidationContext) -> Bool {
        guard case .array(let array) = instance else { return true }
        var probe = context.probe()
        if array.contains(where: { schema.validate($0, &probe) }) { return true }
        context.report("contains", at: schemaPath, "expected at least one item matching the \"contains\" schema")
        return false
    }
}

/// `minItems` and `maxItems`.
struct ItemCountKeyword: Keyword {
    let isMinimum: Bool
    let limit: Int
    let schemaPath: String

    func validate(_ instance: JSONValue, _ context: inout ValidationContext) -> Bool {
        guard case .array(let array) = instance else { return true }
        if isMinimum ? array.count >= limit : array.count <= limit { return true }
        context.report(isMinimum ? "minItems" : "maxItems", at: schemaPath,
                       "expected \(isMinimum ? "at least" : "at most") \(limit) items, got \(array.count)")
        return false
    }
}

/// `uniqueItems: true`: no two elements are equal (by JSON Schema equality).
struct UniqueItemsKeyword: Keyword {
    let schemaPath: String

    func validate(_ instance: JSONValue, _ context: inout ValidationContext) -> Bool {
        guard case .array(let array) = instance, array.count > 1 else { return true }
        guard let (first, second) = UniqueItemsKeyword.firstDuplicate(in: array) else { return true }
        context.report("uniqueItems", at: schemaPath, "expected unique items, but items \(first) and \(second) are equal")
        return false
    }

    static func firstDuplicate(in array: [JSONValue]) -> (Int, Int)? {
        if array.count <= 16 {
            for i in array.indices {
                for j in (i + 1)..<array.count where array[i] == array[j] { return (i, j) }
            }
            return nil
        }
        var seen: [JSONValue: Int] = [:]
        for (index, element) in array.enumerated() {
            if let earlier = seen[element] { return (earlier, index) }
            seen[element] = index
        }
        return nil
    }
}

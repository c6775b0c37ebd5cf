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

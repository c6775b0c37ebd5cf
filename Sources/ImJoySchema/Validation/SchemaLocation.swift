/// Where a (sub)schema is: a document and a JSON pointer inside it.
struct SchemaLocation: Hashable {
    /// Index of the document in the compiler's document list (0 is the compiled schema).
    var document: Int
    /// An escaped JSON pointer (`/properties/a~1b`).
    var pointer: String

    /// The location of a member or element below this one.
    func appending(_ token: String) -> SchemaLocation {
        SchemaLocation(document: document, pointer: pointer + "/" + JSONPointer.escape(token))
    }

    func appending(_ index: Int) -> SchemaLocation {
        SchemaLocation(document: document, pointer: pointer + "/" + String(index))
    }
}

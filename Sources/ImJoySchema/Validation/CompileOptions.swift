/// Settings for compiling a schema.
public struct CompileOptions: Sendable {
    /// Extra schema documents that `$ref` may point to, by their URI (the schema's `$id`
    /// when the key is empty). Nothing is ever fetched from the network.
    public var documents: [String: JSONValue]
    /// Whether `format` is asserted (the default, as ajv 6 does) or only an annotation.
    public var validatesFormats: Bool

    public init(documents: [String: JSONValue] = [:], validatesFormats: Bool = true) {
        self.documents = documents
        self.validatesFormats = validatesFormats
    }

    public static let `default` = CompileOptions()
}

/// One reason an instance does not match a schema.
public struct ValidationError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The JSON pointer of the failing value in the instance (`""` for the whole instance).
    public var instancePath: String
    /// The location of the failing keyword in the schema (`#/properties/image/ndarray`).
    public var schemaPath: String
    /// The failing keyword (`type`, `ndarray`, `file`, ...).
    public var keyword: String
    /// A readable explanation (`expected an ndarray with dtype uint16, got float32`).
    public var message: String

    public init(instancePath: String, schemaPath: String, keyword: String, message: String) {
        self.instancePath = instancePath
        self.schemaPath = schemaPath
        self.keyword = keyword
        self.message = message
    }

    /// `"/image: expected an ndarray with dtype uint16, got float32"`; the whole instance is `(root)`.
    public var description: String {
        "\(instancePath.isEmpty ? "(root)" : instancePath): \(message)"
    }
}

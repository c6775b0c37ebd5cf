/// The outcome of validating one instance: valid, or the errors found (up to a limit).
public struct ValidationResult: Sendable, Equatable {
    /// The errors, in the order the schema's keywords found them; empty when valid.
    public var errors: [ValidationError]
    /// Whether more errors existed than ``ValidationOptions/maximumErrors`` allowed.
    public var isTruncated: Bool

    public init(errors: [ValidationError] = [], isTruncated: Bool = false) {
        self.errors = errors
        self.isTruncated = isTruncated
    }

    /// Whether the instance matches the schema.
    public var isValid: Bool { errors.isEmpty }

    /// A valid result.
    public static let valid = ValidationResult()
}

/// One keyword of a compiled schema, ready to check instances.
///
/// Keywords are immutable value types; they report failures through the context, which builds
/// messages only when collecting.
protocol Keyword: Sendable {
    /// Checks `instance`; returns whether it passes.
    func validate(_ instance: JSONValue, _ context: inout ValidationContext) -> Bool
}

/// One element of the path from the instance root to the value being validated.
enum InstancePathComponent {
    case key(String)
    case index(Int)
}

/// The mutable state of one validation run, passed `inout` through the keyword tree.
///
/// Validation runs twice at most: first with `isCollecting == false` (no paths, no messages, no
/// allocation, stops at the first failure), and only when that fails again collecting errors.
struct ValidationContext {
    /// Whether errors (with paths and messages) are being recorded.
    let isCollecting: Bool
    let options: ValidationOptions
    private(set) var errors: [ValidationError] = []
    private(set) var isTruncated = false
    private var path: [InstancePathComponent] = []
    var depth = 0

    init(isCollecting: Bool, options: ValidationOptions) {
        self.isCollecting = isCollecting
        self.options = options
    }

    /// Whether the error limit is reached, so evaluation can stop.
    var isFull: Bool { isTruncated }

    /// The JSON pointer of the value being validated.
    var instancePointer: String {
        var pointer = ""
        for component in path {
            pointer += "/"
            switch component {
            case .key(let key): pointer += JSONPointer.escape(key)
            case .index(let index): pointer += String(index)
            }
        }
        return pointer
    }

    /// Records a failure of `keyword` (at `schemaPath`) when collecting; the message is built
    /// only then.
    mutating func report(_ keyword: String, at schemaPath: String, _ message: @autoclosure () -> String) {
        guard isCollecting, !isTruncated else { return }
        if errors.count >= options.maximumErrors {
            isTruncated = true
            return
        }
        errors.append(
            ValidationError(instancePath: instancePointer, schemaPath: schemaPath, keyword: keyword, message: message()))
    }

    /// Appends errors collected in a nested context.
    mutating func append(contentsOf other: [ValidationError]) {
        for error in other {
            guard errors.count < options.maximumErrors else {
                isTruncated = true
                return
            }
            errors.append(error)
        }
    }

    /// A context for trying a subschema without reporting (for `anyOf`, `not`, `if`, ...).
    func probe() -> ValidationContext {
        var context = ValidationContext(isCollecting: false, options: options)
        context.depth = depth
        return context
    }

    /// A collecting context at the same instance path whose errors may be kept or dropped.
    func branch() -> ValidationContext {
        var context = ValidationContext(isCollecting: isCollecting, options: options)
        context.path = path
        context.depth = depth
        return context
    }

    /// Validates `value` at `component` below the current path with `node`.
    @inline(__always)
    mutating func validate(
        _ value: JSONValue, at component: @autoclosure () -> InstancePathComponent,
        with node: SchemaNode
    ) -> Bool {
        guard isCollecting else { return node.validate(value, &self) }
        path.append(component())
        defer { path.removeLast() }
        return node.validate(value, &self)
    }
}

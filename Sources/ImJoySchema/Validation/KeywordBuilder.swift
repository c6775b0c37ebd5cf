/// Turns the keywords of one schema object into ``Keyword`` values, checking each keyword's
/// value (the job ajv's `validateSchema` does with the meta-schema).
struct KeywordBuilder {
    let compiler: SchemaCompiler
    let object: JSONObject
    let location: SchemaLocation
    /// The base URI in force inside this schema object.
    let base: URIReference
    private var keywords: [any Keyword] = []

    init(compiler: SchemaCompiler, object: JSONObject, location: SchemaLocation, base: URIReference) {
        self.compiler = compiler
        self.object = object
        self.location = location
        self.base = base
    }

    mutating func build() throws(SchemaError) -> [any Keyword] {
        if let reference = object["$ref"] {
            // Draft-07: `$ref` makes every sibling keyword ignored.
            guard case .string(let text) = reference else { throw invalid("$ref", "must be a string") }
            guard URIFormats.isURI(text, allowsRelative: true, allowsNonASCII: false) else {
                throw invalid("$ref", "must be a URI reference, got \"\(text)\"")
            }
            return [RefKeyword(target: try compiler.compileReference(text, base: base, from: location))]
        }
        try checkAnnotations()
        try addType()
        try addValueKeywords()
        try addNumericKeywords()
        try addStringKeywords()
        try addArrayKeywords()
        try addObjectKeywords()
        try addCombinators()
        try addImJoyKeywords()
        return keywords
    }

    // MARK: - Helpers

    func path(_ keyword: String) -> String { compiler.schemaPath(location.appending(keyword)) }

    func invalid(_ keyword: String, _ message: String, hint: String? = nil) -> SchemaError {
        SchemaError(schemaPath: path(keyword), message: "\"\(keyword)\" \(message)", hint: hint)
    }

    func subschema(_ keyword: String) throws(SchemaError) -> SchemaNode? {
        guard let value = object[keyword] else { return nil }
        return try compiler.compile(value, at: location.appending(keyword), parentBase: base)
    }

    func subschema(_ value: JSONValue, at childLocation: SchemaLocation) throws(SchemaError) -> SchemaNode {
        try compiler.compile(value, at: childLocation, parentBase: base)
    }

    func nonNegativeInteger(_ keyword: String) throws(SchemaError) -> Int? {
        guard let value = object[keyword] else { return nil }
        guard let integer = value.intValue, integer >= 0 else { throw invalid(keyword, "must be a non-negative integer") }
        return integer
    }

    func number(_ keyword: String) throws(SchemaError) -> JSONValue? {
        guard let value = object[keyword] else { return nil }
        guard value.isNumber else { throw invalid(keyword, "must be a number") }
        return value
    }

    func regex(_ pattern: String, keyword: String) throws(SchemaError) -> ECMARegex {
        do {
            return try ECMARegex(pattern)
        } catch {
            throw invalid(keyword, "is not a valid regular expression: \(pattern)")
        }
    }

    func stringList(_ keyword: String, unique: Bool) throws(SchemaError) -> [String]? {
        guard let value = object[keyword] else { return nil }
        guard case .array(let items) = value else { throw invalid(keyword, "must be an array of strings") }
        var strings: [String] = []
        for item in items {
            guard case .string(let string) = item else { throw invalid(keyword, "must be an array of strings") }
            if unique && strings.contains(string) { throw invalid(keyword, "must not repeat \"\(string)\"") }
            strings.append(string)
        }
        return strings
    }

    mutating func add(_ keyword: any Keyword) {
        keywords.append(keyword)
    }

    // MARK: - Annotations

    private func checkAnnotations() throws(SchemaError) {
        for keyword in ["$id", "$schema", "$comment", "title", "description"] {
            if let value = object[keyword], value.stringValue == nil { throw invalid(keyword, "must be a string") }
        }
        // The meta-schema's formats, which ajv checks too.
        if let id = object["$id"]?.stringValue, !URIFormats.isURI(id, allowsRelative: true, allowsNonASCII: false) {
            throw invalid("$id", "must be a URI reference, got \"\(id)\"")
        }
        if let uri = object["$schema"]?.stringValue, !URIFormats.isURI(uri, allowsRelative: false, allowsNonASCII: false) {
            throw invalid("$schema", "must be a URI, got \"\(uri)\"")
        }
        if let value = object["definitions"], value.objectValue == nil { throw invalid("definitions", "must be an object") }
        if case .object(let definitions)? = object["definitions"] {
            for (name, definition) in definitions {
                _ = try subschema(definition, at: location.appending("definitions").appending(name))
            }
        }
        if let value = object["examples"], value.arrayValue == nil { throw invalid("examples", "must be an array") }
        for keyword in ["readOnly", "writeOnly"] {
            if let value = object[keyword], value.boolValue == nil { throw invalid(keyword, "must be a boolean") }
        }
    }

    // MARK: - Type, enum, const

    private mutating func addType() throws(SchemaError) {
        guard let value = object["type"] else { return }
        let names: [String]
        switch value {
        case .string(let name): names = [name]
        case .array(let items):
            names = try items.map { (item: JSONValue) throws(SchemaError) -> String in
                guard case .string(let name) = item else { throw invalid("type", "must be a type name or an array of them") }
                return name
            }
            guard !names.isEmpty, Set(names).count == names.count else {
                throw invalid("type", "must list at least one type, without repeats")
            }
        default:
            throw invalid("type", "must be a type name or an array of them")
        }
        var types: JSONTypeSet = []
        var url: URLMatcher?
        for name in names {
            if let type = JSONTypeSet(name: name) {
                types.formUnion(type)
            } else if name == "url" {
                url = try urlMatcher(schemes: object["scheme"], extensions: object["extension"], keyword: "type")
            } else {
                throw invalid(
                    "type", "has an unknown type \"\(name)\"",
                    hint: "use null, boolean, integer, number, string, array, object (or imjoy-run's url)")
            }
        }
        add(TypeKeyword(types: types, names: names, url: url, schemaPath: path("type")))
    }

    private mutating func addValueKeywords() throws(SchemaError) {
        if let value = object["enum"] {
            guard case .array(let values) = value else { throw invalid("enum", "must be an array") }
            add(EnumKeyword(values: values, schemaPath: path("enum")))
        }
        if let value = object["const"] {
            add(ConstKeyword(value: value, schemaPath: path("const")))
        }
    }

    // MARK: - Numbers and strings

    private mutating func addNumericKeywords() throws(SchemaError) {
        for kind in [NumericBoundKeyword.Kind.minimum, .maximum, .exclusiveMinimum, .exclusiveMaximum] {
            if let limit = try number(kind.rawValue) {
                add(NumericBoundKeyword(kind: kind, limit: limit, schemaPath: path(kind.rawValue)))
            }
        }
        if let divisor = try number("multipleOf") {
            guard let value = divisor.doubleValue, value > 0 else { throw invalid("multipleOf", "must be greater than 0") }
            add(MultipleOfKeyword(divisor: divisor, schemaPath: path("multipleOf")))
        }
    }

    private mutating func addStringKeywords() throws(SchemaError) {
        if let limit = try nonNegativeInteger("minLength") {
            add(StringLengthKeyword(isMinimum: true, limit: limit, schemaPath: path("minLength")))
        }
        if let limit = try nonNegativeInteger("maxLength") {
            add(StringLengthKeyword(isMinimum: false, limit: limit, schemaPath: path("maxLength")))
        }
        if let value = object["pattern"] {
            guard case .string(let pattern) = value else { throw invalid("pattern", "must be a string") }
            add(PatternKeyword(regex: try regex(pattern, keyword: "pattern"), schemaPath: path("pattern")))
        }
        if let value = object["format"] {
            guard case .string(let name) = value else { throw invalid("format", "must be a string") }
            if compiler.options.validatesFormats, let format = StringFormat.named(name) {
                add(FormatKeyword(format: format, schemaPath: path("format")))
            }
        }
        for keyword in ["contentMediaType", "contentEncoding"] {
            if let value = object[keyword], value.stringValue == nil { throw invalid(keyword, "must be a string") }
        }
    }
}

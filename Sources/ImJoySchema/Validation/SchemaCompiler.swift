/// Compiles a schema document into a tree of ``SchemaNode``s, resolving `$id` and `$ref`.
///
/// Compilation first indexes every document (the `$id`s and their base URIs), then compiles
/// from the root, compiling each `$ref` target once (a cache by location makes recursion work).
final class SchemaCompiler {
    struct Document {
        var uri: URIReference
        var root: JSONValue
    }

    /// The base URI of a schema without `$id`.
    static let defaultBaseURI = "imjoy-run:///schema.json"

    let options: CompileOptions
    private(set) var documents: [Document] = []
    /// Document URIs (no fragment) → document index.
    private var documentIndex: [String: Int] = [:]
    /// Absolute `$id` URIs (no fragment) → where the resource is.
    private var resources: [String: SchemaLocation] = [:]
    /// `uri#name` from fragment-only `$id`s → where the schema is.
    private var anchors: [String: SchemaLocation] = [:]
    /// The base URI in force around each indexed location (before its own `$id`).
    private var parentBases: [SchemaLocation: URIReference] = [:]
    /// Every compiled node, by location (also what keeps `$ref` targets alive).
    private(set) var nodes: [SchemaLocation: SchemaNode] = [:]
    /// How many compilations are in progress (subschemas and `$ref` targets nest).
    private var depth = 0

    init(options: CompileOptions) {
        self.options = options
    }

    /// Compiles `schema` (document 0) and returns its root node.
    func compileRoot(_ schema: JSONValue) throws(SchemaError) -> SchemaNode {
        let root = addDocument(schema, uri: SchemaCompiler.defaultBaseURI)
        for (uri, document) in options.documents.sorted(by: { $0.key < $1.key }) {
            let id = document["$id"]?.stringValue ?? ""
            addDocument(document, uri: uri.isEmpty ? id : uri)
        }
        return try compile(schema, at: root, parentBase: URIReference(SchemaCompiler.defaultBaseURI))
    }

    // MARK: - Documents and indexing

    @discardableResult
    private func addDocument(_ root: JSONValue, uri: String) -> SchemaLocation {
        let reference = URIReference(uri).withoutFragment
        let location = SchemaLocation(document: documents.count, pointer: "")
        documents.append(Document(uri: reference, root: root))
        documentIndex[reference.text] = location.document
        index(root, at: location, parentBase: reference, depth: 0)
        return location
    }

    /// The base URI a schema object establishes (its `$id`, ignored beside `$ref` as draft-07 says).
    private func base(of object: JSONObject, parentBase: URIReference) -> URIReference {
        guard object["$ref"]?.stringValue == nil, let id = object["$id"]?.stringValue, !id.hasPrefix("#") else {
            return parentBase
        }
        return parentBase.resolving(URIReference(id)).withoutFragment
    }

    /// Records `$id`s and base URIs below `value`, visiting only subschema positions (so an `$id`
    /// inside `enum`, `const` or an unknown keyword is not an identifier).
    private func index(_ value: JSONValue, at location: SchemaLocation, parentBase: URIReference, depth: Int) {
        guard case .object(let object) = value, depth < JSONValue.maximumNestingDepth else { return }
        parentBases[location] = parentBase
        let base = base(of: object, parentBase: parentBase)
        if object["$ref"]?.stringValue == nil, let id = object["$id"]?.stringValue {
            let resolved = parentBase.resolving(URIReference(id))
            if let fragment = resolved.fragment, !fragment.isEmpty {
                anchors[resolved.text] = anchors[resolved.text] ?? location
            } else {
                resources[resolved.withoutFragment.text] = resources[resolved.withoutFragment.text] ?? location
            }
        }
        forEachSubschema(of: object, at: location) { child, childLocation in
            index(child, at: childLocation, parentBase: base, depth: depth + 1)
        }
    }

    /// Calls `body` with every subschema position of a schema object.
    private func forEachSubschema(
        of object: JSONObject, at location: SchemaLocation,
        _ body: (JSONValue, SchemaLocation) -> Void
    ) {
        for keyword in ["additionalItems", "additionalProperties", "contains", "propertyNames", "not", "if", "then", "else"] {
            if let child = object[keyword] { body(child, location.appending(keyword)) }
        }
        for keyword in ["properties", "patternProperties", "definitions", "dependencies"] {
            guard case .object(let members)? = object[keyword] else { continue }
            for (name, child) in members { body(child, location.appending(keyword).appending(name)) }
        }
        for keyword in ["items", "allOf", "anyOf", "oneOf"] {
            switch object[keyword] {
            case .array(let children)?:
                for (index, child) in children.enumerated() { body(child, location.appending(keyword).appending(index)) }
            case let child? where keyword == "items":
                body(child, location.appending(keyword))
            default:
                break
            }
        }
    }

    // MARK: - Compiling

    /// The schema path of a location: `#/pointer` in the compiled schema, `uri#/pointer` elsewhere.
    func schemaPath(_ location: SchemaLocation) -> String {
        location.document == 0 ? "#" + location.pointer : documents[location.document].uri.text + "#" + location.pointer
    }

    /// Compiles the schema `value` found at `location` (once; later calls return the same node).
    func compile(_ value: JSONValue, at location: SchemaLocation, parentBase: URIReference) throws(SchemaError) -> SchemaNode {
        if let node = nodes[location] { return node }
        guard depth < JSONValue.maximumNestingDepth, nodes.count < 1_000_000 else {
            throw SchemaError(schemaPath: schemaPath(location), message: "the schema is too large or too deeply nested")
        }
        depth += 1
        defer { depth -= 1 }
        let node = SchemaNode(schemaPath: schemaPath(location))
        nodes[location] = node
        switch value {
        case .bool(true):
            break
        case .bool(false):
            node.setKeywords([FalseSchemaKeyword(schemaPath: node.schemaPath)])
        case .object(let object):
            let base = base(of: object, parentBase: parentBase)
            var builder = KeywordBuilder(compiler: self, object: object, location: location, base: base)
            node.setKeywords(try builder.build())
        default:
            throw SchemaError(schemaPath: node.schemaPath, message: "a schema must be an object or a boolean, got \(value.typeName)")
        }
        return node
    }

    /// Compiles the target of `$ref` `reference` written where the base URI is `base`.
    func compileReference(_ reference: String, base: URIReference, from location: SchemaLocation) throws(SchemaError) -> SchemaNode {
        let target = base.resolving(URIReference(reference))
        let absolute = target.withoutFragment.text
        let unresolved = SchemaError(
            schemaPath: schemaPath(location.appending("$ref")),
            message: "cannot resolve $ref \"\(reference)\" (\(target.text))")
        guard let fragment = JSONPointer.percentDecoded(target.fragment ?? "") else { throw unresolved }
        let targetLocation: SchemaLocation
        if fragment.isEmpty || fragment.hasPrefix("/") {
            guard let resource = resourceLocation(absolute), let tokens = JSONPointer.tokens(fragment) else { throw unresolved }
            targetLocation = tokens.reduce(resource) { $0.appending($1) }
        } else {
            guard let anchor = anchors[absolute + "#" + fragment] ?? anchors[target.text] else { throw unresolved }
            targetLocation = anchor
        }
        if let node = nodes[targetLocation] { return node }
        guard let value = self.value(at: targetLocation) else { throw unresolved }
        let parentBase = parentBases[targetLocation] ?? URIReference(absolute)
        return try compile(value, at: targetLocation, parentBase: parentBase)
    }

    private func resourceLocation(_ absolute: String) -> SchemaLocation? {
        if let location = resources[absolute] { return location }
        if let document = documentIndex[absolute] { return SchemaLocation(document: document, pointer: "") }
        if let builtIn = BuiltInSchemas.document(for: absolute) {
            return addDocument(builtIn, uri: absolute)
        }
        return nil
    }

    private func value(at location: SchemaLocation) -> JSONValue? {
        guard let tokens = JSONPointer.tokens(location.pointer) else { return nil }
        return JSONPointer.resolve(tokens, in: documents[location.document].root)
    }
}

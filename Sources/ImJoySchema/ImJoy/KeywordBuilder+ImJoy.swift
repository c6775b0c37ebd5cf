// ImJoy's `file` and `ndarray` keywords and imjoy-run's `url` keyword, checked as ImJoy's
// `ajv.addKeyword(..., {compile})` functions check them (imjoy-core src/api.js).
extension KeywordBuilder {
    mutating func addImJoyKeywords() throws(SchemaError) {
        if let config = object["file"] { add(try fileKeyword(config)) }
        if let config = object["ndarray"] { add(try ndarrayKeyword(config)) }
        if let config = object["url"] {
            let matcher: URLMatcher
            switch config {
            case .bool(true), .null: matcher = URLMatcher()
            case .object(let options):
                matcher = try urlMatcher(schemes: options["scheme"], extensions: options["extension"], keyword: "url")
            default: throw invalid("url", "must be true or an object {scheme, extension}")
            }
            add(URLKeyword(matcher: matcher, schemaPath: path("url")))
        }
    }

    /// A URL matcher from `scheme` and `extension` values (each a string or a list of strings).
    func urlMatcher(schemes: JSONValue?, extensions: JSONValue?, keyword: String) throws(SchemaError) -> URLMatcher {
        let schemeList = try stringOrList(schemes, keyword: keyword, field: "scheme") ?? URLMatcher.defaultSchemes
        let extensionList = try stringOrList(extensions, keyword: keyword, field: "extension") ?? []
        return URLMatcher(schemes: schemeList, extensions: extensionList)
    }

    private func stringOrList(_ value: JSONValue?, keyword: String, field: String) throws(SchemaError) -> [String]? {
        switch value {
        case nil, .null?: return nil
        case .string(let string)?: return [string]
        case .array(let items)?:
            return try items.map { (item: JSONValue) throws(SchemaError) -> String in
                guard case .string(let string) = item else { throw invalid(keyword, "\(field) must be a string or a list of strings") }
                return string
            }
        default: throw invalid(keyword, "\(field) must be a string or a list of strings")
        }
    }

    // MARK: - file

    private func fileKeyword(_ config: JSONValue) throws(SchemaError) -> FileKeyword {
        let any = FileKeyword(mimePatterns: [], extensions: [], minSize: nil, maxSize: nil, sizes: nil, schemaPath: path("file"))
        switch config {
        case .null, .string: return any  // ImJoy: null or a string config accepts any file
        case .object(let options) where options["mime"] != nil || options["ext"] != nil:
            let mimes = try stringOrList(options["mime"], keyword: "file", field: "mime") ?? []
            var patterns: [ECMARegex] = []
            for mime in mimes { patterns.append(try regex(mime, keyword: "file")) }
            return FileKeyword(
                mimePatterns: patterns, extensions: try stringOrList(options["ext"], keyword: "file", field: "ext") ?? [],
                minSize: try sizeLimit(options, "minSize"), maxSize: try sizeLimit(options, "maxSize"),
                sizes: try exactSizes(options), schemaPath: path("file"))
        default:
            throw invalid(
                "file", "is not a valid config: \(config)",
                hint: "ImJoy requires \"mime\" or \"ext\" (Invalid config for keyword: file), e.g. {\"ext\": [\".tif\", \".tiff\"]}")
        }
    }

    private func sizeLimit(_ options: JSONObject, _ field: String) throws(SchemaError) -> Double? {
        guard let value = options[field], !value.isNull else { return nil }
        guard let number = value.doubleValue else { throw invalid("file", "\(field) must be a number") }
        return number
    }

    private func exactSizes(_ options: JSONObject) throws(SchemaError) -> [Double]? {
        switch options["size"] {
        case nil, .null?: return nil
        case .array(let items)?:
            return try items.map { (item: JSONValue) throws(SchemaError) -> Double in
                guard let number = item.doubleValue else { throw invalid("file", "size must be a number or a list of numbers") }
                return number
            }
        case let value?:
            guard let number = value.doubleValue else { throw invalid("file", "size must be a number or a list of numbers") }
            return [number]
        }
    }

    // MARK: - ndarray

    private func ndarrayKeyword(_ config: JSONValue) throws(SchemaError) -> NDArrayKeyword {
        let options: JSONObject
        switch config {
        case .object(let object): options = object
        case .null, .bool(true): options = [:]
        default: throw invalid("ndarray", "must be an object {shape, dtype, ndim}")
        }
        let ndims = try ndimList(options["ndim"])
        let shape = try shapeList(options["shape"])
        if let shape, let ndimValue = options["ndim"], !ndimValue.isNull {
            guard ndimValue.isNumber, ndims == [shape.count] else {
                throw invalid("ndarray", "has a mismatch between shape and ndim")
            }
        }
        return NDArrayKeyword(shape: shape, dtypes: try dtypeList(options["dtype"]), ndims: ndims, schemaPath: path("ndarray"))
    }

    private func ndimList(_ value: JSONValue?) throws(SchemaError) -> [Int]? {
        switch value {
        case nil, .null?: return nil
        case .array(let items)?:
            return try items.map { (item: JSONValue) throws(SchemaError) -> Int in
                guard let ndim = item.intValue, ndim >= 0 else { throw invalid("ndarray", "ndim must be a number or an array of numbers") }
                return ndim
            }
        case let item?:
            guard let ndim = item.intValue, ndim >= 0 else { throw invalid("ndarray", "ndim must be a number or an array of numbers") }
            return [ndim]
        }
    }

    private func shapeList(_ value: JSONValue?) throws(SchemaError) -> [Int?]? {
        switch value {
        case nil, .null?: return nil
        case .array(let items)?: return items.map { $0.isNumber ? $0.intValue : nil }  // non-numbers are wildcards
        default: throw invalid("ndarray", "shape must be an array")
        }
    }

    private func dtypeList(_ value: JSONValue?) throws(SchemaError) -> [NDArrayDType]? {
        let names: [JSONValue]
        switch value {
        case nil, .null?: return nil
        case .array(let items)?: names = items
        case let item?: names = [item]
        }
        return try names.map { (name: JSONValue) throws(SchemaError) -> NDArrayDType in
            guard case .string(let text) = name, let dtype = NDArrayDType(rawValue: text) else {
                let valid = NDArrayDType.allCases.map(\.rawValue).joined(separator: ",")
                throw invalid("ndarray", "has an invalid dtype: \(name), valid types: \(valid)")
            }
            return dtype
        }
    }
}

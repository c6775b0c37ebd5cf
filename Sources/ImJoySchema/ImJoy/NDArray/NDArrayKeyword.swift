/// ImJoy's `ndarray` keyword: the instance is an imjoy-rpc n-d array dict
/// `{_rtype: "ndarray", _rvalue, _rshape, _rdtype}` with the required shape, dtype and rank.
///
/// `_rvalue` may be bytes (checked against shape × dtype width), a base64 string, or absent.
struct NDArrayKeyword: Keyword {
    /// Expected shape; `nil` entries are wildcards.
    let shape: [Int?]?
    let dtypes: [NDArrayDType]?
    let ndims: [Int]?
    let schemaPath: String

    func validate(_ instance: JSONValue, _ context: inout ValidationContext) -> Bool {
        switch NDArrayKeyword.decode(instance) {
        case .failure(let problem):
            context.report("ndarray", at: schemaPath, "expected an ndarray, \(problem.text)")
            return false
        case .success(let array):
            guard let problem = mismatch(array) else { return true }
            context.report("ndarray", at: schemaPath, problem)
            return false
        }
    }

    private func mismatch(_ array: DecodedArray) -> String? {
        if let dtypes, !dtypes.contains(array.dtype) {
            return "expected an ndarray with dtype \(dtypes.map(\.rawValue).joined(separator: " or ")), got \(array.dtype.rawValue)"
        }
        if let ndims, !ndims.contains(array.shape.count) {
            let expected = ndims.map(String.init).joined(separator: " or ")
            return "expected an ndarray with \(expected) dimensions, got \(array.shape.count)"
        }
        if let shape, !NDArrayKeyword.shape(array.shape, matches: shape) {
            let expected = shape.map { $0.map(String.init) ?? "null" }.joined(separator: ", ")
            return "expected an ndarray with shape [\(expected)], got [\(array.shape.map(String.init).joined(separator: ", "))]"
        }
        return nil
    }

    static func shape(_ actual: [Int], matches expected: [Int?]) -> Bool {
        guard actual.count == expected.count else { return false }
        return zip(actual, expected).allSatisfy { $1 == nil || $0 == $1 }
    }

    struct DecodedArray {
        var shape: [Int]
        var dtype: NDArrayDType
    }

    struct Problem: Error {
        var text: String
    }

    /// The shape and dtype of an imjoy-rpc ndarray dict, or why it is not one.
    static func decode(_ instance: JSONValue) -> Result<DecodedArray, Problem> {
        guard case .object(let object) = instance else { return .failure(Problem(text: "got \(instance.typeName)")) }
        guard object["_rtype"] == "ndarray" else {
            return .failure(Problem(text: "got an object without _rtype \"ndarray\""))
        }
        guard case .array(let dims)? = object["_rshape"] else {
            return .failure(Problem(text: "but _rshape is not an array"))
        }
        var shape: [Int] = []
        for dim in dims {
            guard let size = dim.intValue, size >= 0 else {
                return .failure(Problem(text: "but _rshape contains \(dim)"))
            }
            shape.append(size)
        }
        guard case .string(let name)? = object["_rdtype"], let dtype = NDArrayDType(rawValue: name) else {
            return .failure(Problem(text: "but _rdtype \(object["_rdtype"]?.description ?? "is missing and") is not a known dtype"))
        }
        switch object["_rvalue"] {
        case nil, .null?, .string?, .array?:
            break
        case .bytes(let bytes)?:
            if let width = dtype.byteWidth {
                let (count, overflow) = shape.reduce((1, false)) { acc, dim in
                    let (product, o) = acc.0.multipliedReportingOverflow(by: dim)
                    return (product, acc.1 || o)
                }
                let (expected, overflowBytes) = count.multipliedReportingOverflow(by: width)
                if overflow || overflowBytes || expected != bytes.count {
                    return .failure(
                        Problem(
                            text:
                                "but _rvalue has \(bytes.count) bytes where shape and dtype need \(overflow || overflowBytes ? "more" : String(expected))"
                        ))
                }
            }
        case let other?:
            return .failure(Problem(text: "but _rvalue is \(other.typeName)"))
        }
        return .success(DecodedArray(shape: shape, dtype: dtype))
    }
}

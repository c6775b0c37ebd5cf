import ImJoySchema

extension NDArray {
    // MARK: - imjoy-rpc ndarray dict

    /// The imjoy-rpc form `{_rtype: "ndarray", _rvalue: <bytes>, _rshape: [...], _rdtype: "uint16"}`,
    /// with `_rmetadata` (``ArrayMetadata/jsonValue``) when the array has metadata.
    ///
    /// `_rvalue` references this array's storage; nothing is copied.
    public var rpcValue: JSONValue {
        var object = JSONObject()
        object["_rtype"] = .string("ndarray")
        object["_rvalue"] = .bytes(JSONBytes(storage: storage, range: 0..<byteCount))
        object["_rshape"] = .array(shape.map { .integer(Int64($0)) })
        object["_rdtype"] = .string(dtype.rawValue)
        if let metadata { object["_rmetadata"] = metadata.jsonValue }
        return .object(object)
    }

    /// Decodes the imjoy-rpc ndarray dict; `_rvalue` may be bytes or base64 text.
    ///
    /// When `_rvalue` references a whole ``NDArrayStorage`` the array shares it (no copy).
    public init(rpcValue value: JSONValue) throws(NDArrayError) {
        guard let object = value.objectValue else { throw .invalidRPCValue("not an object") }
        guard object["_rtype"]?.stringValue == "ndarray" else { throw .invalidRPCValue("_rtype is not \"ndarray\"") }
        guard let dtypeName = object["_rdtype"]?.stringValue, let dtype = DType(rawValue: dtypeName) else {
            throw .invalidRPCValue("unknown _rdtype \(object["_rdtype"].map { "\($0)" } ?? "(missing)")")
        }
        guard let shapeValues = object["_rshape"]?.arrayValue else { throw .invalidRPCValue("_rshape is not an array") }
        var shape: [Int] = []
        for value in shapeValues {
            guard let extent = value.intValue, extent >= 0 else { throw .invalidRPCValue("_rshape holds \(value)") }
            shape.append(extent)
        }
        let bytes: JSONBytes
        switch object["_rvalue"] {
        case .bytes(let b): bytes = b
        case .string(let text):
            guard let decoded = JSONBytes(base64Encoded: text) else { throw .invalidRPCValue("_rvalue is not base64") }
            bytes = decoded
        default: throw .invalidRPCValue("_rvalue is neither bytes nor a base64 string")
        }
        let expected = try Self.checkedByteCount(shape: shape, dtype: dtype, limit: NDArray.maximumByteCount)
        guard bytes.count == expected else { throw .byteCountMismatch(expected: expected, actual: bytes.count) }
        if let shared = bytes.storage as? NDArrayStorage, bytes.range == 0..<shared.byteCount {
            try self.init(shape: shape, dtype: dtype, storage: shared)
        } else {
            try self.init(zeros: shape, dtype: dtype)
            let destination = storage.baseAddress
            bytes.withUnsafeBytes { raw in
                if let source = raw.baseAddress { destination.copyMemory(from: source, byteCount: raw.count) }
            }
        }
        metadata = object["_rmetadata"].flatMap(ArrayMetadata.init(json:))
    }
}

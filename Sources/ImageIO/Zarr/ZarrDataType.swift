import Foundation
import ImJoySchema

/// How a dtype is named in Zarr metadata, and the fill value's bytes.
enum ZarrDataType {
    /// The Zarr v2 `dtype` string (numpy's typestr, little-endian): `|u1`, `<u2`, `<f4`, `|b1`.
    static func v2Name(_ dtype: DType) -> String {
        switch dtype {
        case .bool: "|b1"
        case .uint8: "|u1"
        case .int8: "|i1"
        default: "<" + kindLetter(dtype) + String(dtype.byteSize)
        }
    }

    /// The dtype and byte order of a Zarr v2 `dtype` string, or `nil` when it is not a plain
    /// numeric type ImageIO has.
    static func parseV2(_ name: String) -> (dtype: DType, bigEndian: Bool)? {
        let characters = Array(name)
        guard characters.count >= 3, let size = Int(String(characters[2...])) else { return nil }
        let order = characters[0]
        let kind = characters[1]
        guard order == "<" || order == ">" || order == "|" else { return nil }
        let dtype: DType?
        switch kind {
        case "b": dtype = size == 1 ? .bool : nil
        case "u": dtype = DType.make(floatingPoint: false, signed: false, byteSize: size)
        case "i": dtype = DType.make(floatingPoint: false, signed: true, byteSize: size)
        case "f": dtype = DType.make(floatingPoint: true, signed: true, byteSize: size)
        default: dtype = nil
        }
        guard let dtype else { return nil }
        // `|` (not applicable) is only meaningful for one-byte types.
        guard order != "|" || dtype.byteSize == 1 else { return nil }
        return (dtype, order == ">" && dtype.byteSize > 1)
    }

    /// The Zarr v3 `data_type` name: numpy's names, which are ``DType``'s raw values.
    static func v3Name(_ dtype: DType) -> String { dtype.rawValue }

    private static func kindLetter(_ dtype: DType) -> String {
        dtype.isFloatingPoint ? "f" : dtype.isSignedInteger ? "i" : "u"
    }

    // MARK: - Fill value

    /// The fill value's element bytes (native order) from its JSON form; `null` (v2) is zero.
    static func fillBytes(_ field: ZarrJSONField, dtype: DType) throws(ZarrError) -> [UInt8] {
        guard let value = field.value, !value.isNull else { return [UInt8](repeating: 0, count: dtype.byteSize) }
        let scalar: NDScalar
        switch value {
        case .bool(let flag): scalar = .unsigned(flag ? 1 : 0)
        case .integer(let number): scalar = .signed(number)
        case .number(let number): scalar = .real(number)
        case .string(let text):
            guard dtype.isFloatingPoint else { throw field.error("a string fill value needs a floating-point data type") }
            if let bits = hexBits(text) {
                guard (text.count - 2) == 2 * dtype.byteSize else { throw field.error("\(text) is not \(dtype.byteSize) bytes") }
                return withUnsafeBytes(of: bits.littleEndian) { Array($0.prefix(dtype.byteSize)) }
            }
            switch text {
            case "NaN": scalar = .real(.nan)
            case "Infinity": scalar = .real(.infinity)
            case "-Infinity": scalar = .real(-.infinity)
            default: throw field.error("unknown fill value \"\(text)\"")
            }
        default: throw field.error("expected a number, boolean or string fill value, found \(value.typeName)")
        }
        return elementBytes(scalar, dtype: dtype)
    }

    /// The JSON form of a fill value's element bytes (`"NaN"`, `"Infinity"` for such floats).
    static func fillJSON(_ bytes: [UInt8], dtype: DType) -> JSONValue {
        let scalar = bytes.withUnsafeBytes { raw in
            NDArray.dispatch(dtype) { (type: any NDArrayElement.Type) in load(type, raw) }
        }
        switch scalar {
        case .signed(let v): return dtype == .bool ? .bool(v != 0) : .integer(v)
        case .unsigned(let v):
            if dtype == .bool { return .bool(v != 0) }
            return Int64(exactly: v).map(JSONValue.integer) ?? .number(Double(v))
        case .real(let v):
            if v.isNaN { return "NaN" }
            if v.isInfinite { return v > 0 ? "Infinity" : "-Infinity" }
            return .number(v)
        }
    }

    /// `scalar` converted to `dtype`, as element bytes.
    static func elementBytes(_ scalar: NDScalar, dtype: DType) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: dtype.byteSize)
        bytes.withUnsafeMutableBytes { raw in
            NDArray.dispatch(dtype) { (type: any NDArrayElement.Type) in store(scalar, type, raw) }
        }
        return bytes
    }

    private static func load<T: NDArrayElement>(_ type: T.Type, _ raw: UnsafeRawBufferPointer) -> NDScalar {
        raw.loadUnaligned(as: T.self).scalar
    }

    private static func store<T: NDArrayElement>(_ scalar: NDScalar, _ type: T.Type, _ raw: UnsafeMutableRawBufferPointer) {
        raw.storeBytes(of: T(scalar: scalar), as: T.self)
    }

    private static func hexBits(_ text: String) -> UInt64? {
        guard text.hasPrefix("0x"), text.count > 2, text.count <= 18 else { return nil }
        return UInt64(text.dropFirst(2), radix: 16)
    }
}

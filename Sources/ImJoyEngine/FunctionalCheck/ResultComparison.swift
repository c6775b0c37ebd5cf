import Foundation
import ImJoySchema
import ImageIO

/// Bit-for-bit comparison of two op results, describing the first difference.
///
/// Arrays (imjoy-rpc ndarray dicts) compare by dtype, shape and bytes; other values as JSON with
/// objects compared by key (canonically), integers and floats kept apart, floats by bit pattern.
enum ResultComparison {
    /// `nil` when `a` and `b` are identical, else where and how they first differ
    /// (`counts[0]: 5 vs 6`).
    static func difference(_ a: JSONValue, _ b: JSONValue, at path: String = "") -> String? {
        let here = path.isEmpty ? "the result" : path
        switch (a, b) {
        case (.object(let x), .object(let y)):
            if x["_rtype"]?.stringValue == "ndarray" || y["_rtype"]?.stringValue == "ndarray" {
                return arrayDifference(a, b, at: here)
            }
            for key in Set(x.keys).union(y.keys).sorted() {
                let child = path.isEmpty ? key : "\(path).\(key)"
                guard let left = x[key] else { return "\(child): missing vs \(short(y[key]!))" }
                guard let right = y[key] else { return "\(child): \(short(left)) vs missing" }
                if let found = difference(left, right, at: child) { return found }
            }
            return nil
        case (.array(let x), .array(let y)):
            if x.count != y.count { return "\(here): \(x.count) items vs \(y.count)" }
            for (index, (left, right)) in zip(x, y).enumerated() {
                if let found = difference(left, right, at: "\(path)[\(index)]") { return found }
            }
            return nil
        case (.bytes(let x), .bytes(let y)):
            if x.count != y.count { return "\(here): \(x.count) bytes vs \(y.count)" }
            let (left, right) = (x.array, y.array)
            guard let offset = left.indices.first(where: { left[$0] != right[$0] }) else { return nil }
            return "\(here): bytes differ from offset \(offset)"
        case (.number(let x), .number(let y)):
            return x.bitPattern == y.bitPattern ? nil : "\(here): \(short(a)) vs \(short(b))"
        case (.integer, .integer), (.string, .string), (.bool, .bool), (.null, .null):
            return a == b ? nil : "\(here): \(short(a)) vs \(short(b))"
        default:
            return "\(here): \(a.typeName) \(short(a)) vs \(b.typeName) \(short(b))"
        }
    }

    private static func arrayDifference(_ a: JSONValue, _ b: JSONValue, at path: String) -> String? {
        guard let x = try? NDArray(rpcValue: a), let y = try? NDArray(rpcValue: b) else {
            return a.canonicalText == b.canonicalText ? nil : "\(path): \(short(a)) vs \(short(b))"
        }
        if x.dtype != y.dtype { return "\(path): dtype \(x.dtype.rawValue) vs \(y.dtype.rawValue)" }
        if x.shape != y.shape { return "\(path): shape \(x.shape) vs \(y.shape)" }
        let size = x.dtype.byteSize
        let differing: [Int] = x.withUnsafeBytes { left in
            y.withUnsafeBytes { right in
                guard memcmp(left.baseAddress!, right.baseAddress!, left.count) != 0 else { return [] }
                return (0..<x.count).filter { memcmp(left.baseAddress! + $0 * size, right.baseAddress! + $0 * size, size) != 0 }
            }
        }
        guard let first = differing.first else { return nil }
        let values = [x, y].map { array -> String in
            let value = array[flat: first].doubleValue
            return value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        }
        return
            "\(path): \(differing.count) of \(x.count) \(x.dtype.rawValue) elements differ (first at flat index \(first): \(values[0]) vs \(values[1]))"
    }

    /// A value in at most 60 characters.
    static func short(_ value: JSONValue) -> String {
        if let object = value.objectValue, object["_rtype"]?.stringValue == "ndarray" {
            return "ndarray(\(object["_rdtype"]?.stringValue ?? "?"), \(object["_rshape"]?.serialized() ?? "?"))"
        }
        if case .bytes(let bytes) = value { return "<\(bytes.count) bytes>" }
        let text = value.serialized()
        return text.count <= 60 ? text : String(text.prefix(57)) + "..."
    }
}

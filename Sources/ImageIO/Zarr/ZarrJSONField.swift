import Foundation
import ImJoySchema

/// A value inside a metadata document together with where it is (store, file, JSON path), so every
/// accessor can refuse a wrong value with a ``ZarrError`` that names the exact place.
struct ZarrJSONField {
    /// The value, or `nil` when the member is absent.
    let value: JSONValue?
    /// The store's path.
    let store: String
    /// The metadata file, relative to the store.
    let file: String
    /// The JSON path (`$.codecs[0].name`).
    let path: String

    /// The root of a document.
    init(root: JSONValue, store: String, file: String) {
        self.init(value: root, store: store, file: file, path: "$")
    }

    private init(value: JSONValue?, store: String, file: String, path: String) {
        self.value = value
        self.store = store
        self.file = file
        self.path = path
    }

    /// Whether the member is absent or `null`.
    var isMissing: Bool { value == nil || value?.isNull == true }

    /// The member `key` (absent members are fields whose ``value`` is `nil`).
    func member(_ key: String) -> ZarrJSONField {
        ZarrJSONField(value: value?[key], store: store, file: file, path: "\(path).\(key)")
    }

    /// An error about this field.
    func error(_ reason: String, kind: ZarrError.Kind = .invalidMetadata) -> ZarrError {
        ZarrError(kind, store: store, location: "\(file) \(path)", reason: reason)
    }

    func object() throws(ZarrError) -> JSONObject {
        guard let object = value?.objectValue else { throw error(describe("an object")) }
        return object
    }

    func array() throws(ZarrError) -> [ZarrJSONField] {
        guard let items = value?.arrayValue else { throw error(describe("an array")) }
        return items.enumerated().map { ZarrJSONField(value: $1, store: store, file: file, path: "\(path)[\($0)]") }
    }

    func string() throws(ZarrError) -> String {
        guard let text = value?.stringValue else { throw error(describe("a string")) }
        return text
    }

    func int() throws(ZarrError) -> Int {
        guard let number = value?.intValue else { throw error(describe("an integer")) }
        return number
    }

    func double() throws(ZarrError) -> Double {
        guard let number = value?.doubleValue else { throw error(describe("a number")) }
        return number
    }

    func bool() throws(ZarrError) -> Bool {
        guard let flag = value?.boolValue else { throw error(describe("a boolean")) }
        return flag
    }

    /// A list of integers, each checked to lie in `range`.
    func intList(in range: ClosedRange<Int>) throws(ZarrError) -> [Int] {
        var result: [Int] = []
        for item in try array() {
            let number = try item.int()
            guard range.contains(number) else {
                throw item.error(
                    "\(number) is outside \(range.lowerBound)...\(range.upperBound)",
                    kind: number > range.upperBound ? .tooLarge : .invalidMetadata)
            }
            result.append(number)
        }
        return result
    }

    /// A list of finite numbers.
    func doubleList() throws(ZarrError) -> [Double] {
        var result: [Double] = []
        for item in try array() {
            let number = try item.double()
            guard number.isFinite else { throw item.error("\(number) is not finite") }
            result.append(number)
        }
        return result
    }

    private func describe(_ expected: String) -> String {
        guard let value else { return "missing; expected \(expected)" }
        return "expected \(expected), found \(value.typeName)"
    }
}

extension ZarrJSONField {
    /// Parses the metadata file `file` of the store at `storeURL`, whose bytes are `bytes`.
    static func parse(_ bytes: [UInt8], store: String, file: String) throws(ZarrError) -> ZarrJSONField {
        do {
            return ZarrJSONField(root: try JSONValue(jsonBytes: bytes), store: store, file: file)
        } catch {
            throw ZarrError(.invalidMetadata, store: store, location: file, reason: "not JSON: \(error)")
        }
    }
}

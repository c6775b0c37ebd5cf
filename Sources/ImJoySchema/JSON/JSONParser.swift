// A hand-written JSON parser. Foundation's JSONSerialization loses key order and the
// integer/float distinction, both of which JSON Schema and canonical hashing need, and no
// package available here parses into an ordered, typed value.

/// A JSON syntax error with the line and column (1-based) where it was found.
public struct JSONSyntaxError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What was wrong.
    public var message: String
    /// The 1-based line of the offending byte.
    public var line: Int
    /// The 1-based column (in bytes) of the offending byte.
    public var column: Int

    public var description: String { "line \(line), column \(column): \(message)" }
}

extension JSONValue {
    /// The deepest nesting accepted; deeper documents are an error rather than a stack overflow.
    public static let maximumNestingDepth = 512

    /// Parses JSON text (RFC 8259). Duplicate keys keep the last value, as JavaScript does.
    public init(jsonText text: String) throws(JSONSyntaxError) {
        var text = text
        let result: Result<JSONValue, JSONSyntaxError> = text.withUTF8 { buffer in
            var parser = JSONParser(buffer)
            return Result { () throws(JSONSyntaxError) in try parser.parseDocument() }
        }
        self = try result.get()
    }

    /// Parses JSON from UTF-8 bytes.
    /// - Parameter rejectingDuplicateKeys: Throw on an object key written twice (with the key's
    ///   JSON path) instead of keeping the last value as JavaScript's `JSON.parse` does. Workflow
    ///   files are strict; plugin configs stay lenient, as ImJoy reads them with `JSON.parse`.
    public init(jsonBytes bytes: some Collection<UInt8>, rejectingDuplicateKeys: Bool = false) throws(JSONSyntaxError) {
        let array = Array(bytes)
        let result: Result<JSONValue, JSONSyntaxError> = array.withUnsafeBufferPointer { buffer in
            var parser = JSONParser(buffer)
            parser.rejectsDuplicateKeys = rejectingDuplicateKeys
            return Result { () throws(JSONSyntaxError) in try parser.parseDocument() }
        }
        self = try result.get()
    }
}

private struct JSONParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    var depth = 0
    /// Whether a repeated key is an error; the path below is kept only then.
    var rejectsDuplicateKeys = false
    /// The JSON path of the value being parsed (only when `rejectsDuplicateKeys`).
    var path = JSONPathTrail()

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func parseDocument() throws(JSONSyntaxError) -> JSONValue {
        // A UTF-8 byte order mark is tolerated.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        if index < bytes.count { throw error("unexpected text after the JSON value") }
        return value
    }

    // MARK: Values

    mutating func parseValue() throws(JSONSyntaxError) -> JSONValue {
        guard index < bytes.count else { throw error("unexpected end of input, expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error("unexpected character \(describe(bytes[index])), expected a value")
        }
    }

    mutating func parseObject() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        index += 1
        var object = JSONObject()
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .object(object)
        }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else { throw error("expected a string key") }
            let keyStart = index
            let key = try parseString()
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else { throw error("expected ':' after the key \"\(key)\"") }
            index += 1
            skipWhitespace()
            if rejectsDuplicateKeys {
                if object[key] != nil {
                    throw error("duplicate key \"\(key)\" at \(path.text(appending: .key(key)))", at: keyStart)
                }
                path.components.append(.key(key))
                object[key] = try parseValue()
                path.components.removeLast()
            } else {
                object[key] = try parseValue()
            }
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                depth -= 1
                return .object(object)
            default: throw error("expected ',' or '}' in an object")
            }
        }
    }

    mutating func parseArray() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        index += 1
        var array: [JSONValue] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .array(array)
        }
        while true {
            skipWhitespace()
            if rejectsDuplicateKeys {
                path.components.append(.index(array.count))
                array.append(try parseValue())
                path.components.removeLast()
            } else {
                array.append(try parseValue())
            }
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                index += 1
                depth -= 1
                return .array(array)
            default: throw error("expected ',' or ']' in an array")
            }
        }
    }

    mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        if depth > JSONValue.maximumNestingDepth {
            throw error("nesting deeper than \(JSONValue.maximumNestingDepth) levels")
        }
    }

    // MARK: Strings

    mutating func parseString() throws(JSONSyntaxError) -> String {
        index += 1  // opening quote
        let start = index
        if let string = try scanUnescapedString(from: start) { return string }
        return try parseEscapedString(from: start)
    }

    /// The fast path: a string without escapes, made straight from the input bytes. `nil` when a
    /// backslash (left at `index`) or the end of the input comes before the closing quote.
    @inline(__always)
    mutating func scanUnescapedString(from start: Int) throws(JSONSyntaxError) -> String? {
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<index])
                index += 1
                guard let string = String(validating: slice, as: UTF8.self) else {
                    throw error("invalid UTF-8 in a string", at: start)
                }
                return string
            }
            if byte == UInt8(ascii: "\\") { return nil }
            if byte < 0x20 { throw error("unescaped control character in a string") }
            index += 1
        }
        return nil
    }

    /// The slow path: the rest of a string that has escapes, its bytes so far from `start`.
    mutating func parseEscapedString(from start: Int) throws(JSONSyntaxError) -> String {
        var scalars = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                guard let string = String(validating: scalars, as: UTF8.self) else {
                    throw error("invalid UTF-8 in a string", at: start)
                }
                return string
            case UInt8(ascii: "\\"):
                index += 1
                try appendEscape(to: &scalars)
            default:
                if byte < 0x20 { throw error("unescaped control character in a string") }
                scalars.append(byte)
                index += 1
            }
        }
        throw error("unterminated string", at: start - 1)
    }

    /// Decodes the escape after a backslash (`index` is past the backslash) into `scalars`;
    /// does nothing at the end of the input, which the caller reports as an unterminated string.
    @inline(__always)
    mutating func appendEscape(to scalars: inout [UInt8]) throws(JSONSyntaxError) {
        guard index < bytes.count else { return }
        let escape = bytes[index]
        index += 1
        switch escape {
        case UInt8(ascii: "\""): scalars.append(0x22)
        case UInt8(ascii: "\\"): scalars.append(0x5C)
        case UInt8(ascii: "/"): scalars.append(0x2F)
        case UInt8(ascii: "b"): scalars.append(0x08)
        case UInt8(ascii: "f"): scalars.append(0x0C)
        case UInt8(ascii: "n"): scalars.append(0x0A)
        case UInt8(ascii: "r"): scalars.append(0x0D)
        case UInt8(ascii: "t"): scalars.append(0x09)
        case UInt8(ascii: "u"):
            let scalar = Unicode.Scalar(try parseUnicodeEscape()) ?? "\u{FFFD}"
            UTF8.encode(scalar) { scalars.append($0) }
        default:
            throw error("invalid escape \\\(describe(escape))", at: index - 2)
        }
    }

    /// The code point of a `\u` escape whose `\u` was read, joining a surrogate pair written as two
    /// escapes; a lone surrogate becomes U+FFFD.
    mutating func parseUnicodeEscape() throws(JSONSyntaxError) -> UInt32 {
        let code = try parseHex4()
        if (0xDC00..<0xE000).contains(code) { return 0xFFFD }
        guard (0xD800..<0xDC00).contains(code) else { return code }
        // A high surrogate must be followed by \u and a low surrogate.
        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
            return 0xFFFD  // lone surrogate, as JavaScript would keep; replaced
        }
        index += 2
        let low = try parseHex4()
        guard (0xDC00..<0xE000).contains(low) else { throw error("invalid low surrogate in a \\u escape") }
        return 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
    }

    mutating func parseHex4() throws(JSONSyntaxError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("invalid hex digit in a \\u escape")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    // MARK: Numbers

    mutating func parseNumber() throws(JSONSyntaxError) -> JSONValue {
        let start = index
        var isInteger = true
        if peek() == UInt8(ascii: "-") { index += 1 }
        guard let first = peek(), isDigit(first) else { throw error("invalid number") }
        if first == UInt8(ascii: "0") {
            index += 1
            if let next = peek(), isDigit(next) { throw error("leading zeros are not allowed") }
        } else {
            while let d = peek(), isDigit(d) { index += 1 }
        }
        if peek() == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard let d = peek(), isDigit(d) else { throw error("expected a digit after '.'") }
            while let d = peek(), isDigit(d) { index += 1 }
        }
        if let e = peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if let s = peek(), s == UInt8(ascii: "+") || s == UInt8(ascii: "-") { index += 1 }
            guard let d = peek(), isDigit(d) else { throw error("expected a digit in the exponent") }
            while let d = peek(), isDigit(d) { index += 1 }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        if isInteger, let integer = Int64(text) { return .integer(integer) }
        guard let double = Double(text) else { throw error("invalid number", at: start) }
        // An overflow to infinity could not be written back (JSON has no infinity).
        guard double.isFinite else { throw error("number out of range", at: start) }
        return .number(double)
    }

    // MARK: Helpers

    func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    mutating func expectLiteral(_ literal: StaticString) throws(JSONSyntaxError) {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw error("invalid literal") }
        for offset in 0..<count where bytes[index + offset] != literal.utf8Start[offset] {
            throw error("invalid literal")
        }
        index += count
    }

    func describe(_ byte: UInt8) -> String {
        (0x21..<0x7F).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
    }

    func error(_ message: String, at position: Int? = nil) -> JSONSyntaxError {
        let position = min(position ?? index, bytes.count)
        var line = 1
        var lineStart = 0
        for i in 0..<position where bytes[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        return JSONSyntaxError(message: message, line: line, column: position - lineStart + 1)
    }
}

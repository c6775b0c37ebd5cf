// A small RFC 4180 reader (quoted fields, doubled quotes, CRLF). Written by hand: batch inputs
// need only this much, and it keeps a CSV package out of the build.

/// A CSV document that is not well formed, with the 1-based line where the problem is.
public struct CSVSyntaxError: Error, CustomStringConvertible, Equatable, Sendable {
    public var line: Int
    public var message: String
    public var description: String { "line \(line): \(message)" }
}

/// A CSV document: a header row and records keyed by it.
///
/// Strict where a lenient reader would guess: an unterminated quote (which would swallow the
/// rest of the file into one field), a quote inside an unquoted field, text after a closing
/// quote, and rows with more fields than the header are errors naming the line.
public struct CSVTable: Sendable {
    public var header: [String]?
    public var records: [[String: String]] = []

    public init(text: String) throws(CSVSyntaxError) {
        var rows = try CSVTable.rows(text)
        guard !rows.isEmpty else { return }
        let header = rows.removeFirst().fields
        self.header = header
        var records: [[String: String]] = []
        for row in rows where !(row.fields.count == 1 && row.fields[0].isEmpty) {
            guard row.fields.count <= header.count else {
                throw CSVSyntaxError(line: row.line, message: "\(row.fields.count) fields, but the header has \(header.count)")
            }
            var record: [String: String] = [:]
            for (i, name) in header.enumerated() where i < row.fields.count { record[name] = row.fields[i] }
            records.append(record)
        }
        self.records = records
    }

    /// One row and the line it starts on.
    public struct Row: Equatable, Sendable {
        public var line: Int
        public var fields: [String]
    }

    public static func rows(_ text: String) throws(CSVSyntaxError) -> [Row] {
        var reader = CSVRowReader()
        for c in text.unicodeScalars { try reader.consume(c) }
        return try reader.finish()
    }
}

/// The state machine behind ``CSVTable/rows(_:)``.
private struct CSVRowReader {
    enum State { case fieldStart, unquoted, quoted, quoteInQuoted }

    var rows: [CSVTable.Row] = []
    var row: [String] = []
    var field = ""
    var state = State.fieldStart
    var line = 1
    var rowLine = 1
    var quoteLine = 1

    mutating func consume(_ c: Unicode.Scalar) throws(CSVSyntaxError) {
        switch state {
        case .quoted:
            if c == "\"" { state = .quoteInQuoted } else { field.unicodeScalars.append(c) }
            if c == "\n" { line += 1 }
        case .quoteInQuoted:
            if c == "\"" {
                field.unicodeScalars.append("\"")
                state = .quoted
            } else if c == "," || c == "\n" || c == "\r" {
                state = .unquoted
                try delimiter(c)
            } else {
                throw CSVSyntaxError(
                    line: line, message: "text after the closing quote of a field (a quote inside a quoted field is written \"\")")
            }
        case .fieldStart, .unquoted:
            if c == "\"" {
                guard state == .fieldStart else {
                    throw CSVSyntaxError(
                        line: line, message: "a quote inside an unquoted field (quote the whole field and double the quote)")
                }
                state = .quoted
                quoteLine = line
            } else if c == "," || c == "\n" || c == "\r" {
                try delimiter(c)
            } else {
                field.unicodeScalars.append(c)
                state = .unquoted
            }
        }
    }

    private mutating func delimiter(_ c: Unicode.Scalar) throws(CSVSyntaxError) {
        switch c {
        case ",":
            row.append(field)
            field = ""
            state = .fieldStart
        case "\n":
            row.append(field)
            rows.append(CSVTable.Row(line: rowLine, fields: row))
            row = []
            field = ""
            state = .fieldStart
            line += 1
            rowLine = line
        default: break  // "\r" before "\n"
        }
    }

    mutating func finish() throws(CSVSyntaxError) -> [CSVTable.Row] {
        if state == .quoted {
            throw CSVSyntaxError(
                line: quoteLine, message: "a quoted field is never closed (an unmatched \" here would swallow the rest of the file)")
        }
        if !field.isEmpty || !row.isEmpty || state == .quoteInQuoted {
            row.append(field)
            rows.append(CSVTable.Row(line: rowLine, fields: row))
        }
        return rows
    }
}

// libFuzzer target: the CSV reader of batch inputs (`CSVTable`) on arbitrary text. For every
// input that reads, the rows written back as CSV (every field quoted) must read back equal, and
// the table's records must have no more fields than the header.
// Build and run: see Fuzz/README.md, "fuzz-csv".
import Foundation
import ImJoyWorkflow

func check(_ bytes: UnsafeRawBufferPointer) {
    let text = String(decoding: bytes, as: UTF8.self)
    guard let rows = try? CSVTable.rows(text) else {
        if (try? CSVTable(text: text)) != nil { fatalError("the table read what the row reader refused") }
        return
    }
    let table = try? CSVTable(text: text)
    if let table, let header = table.header {
        for record in table.records where record.count > header.count { fatalError("a record has more fields than the header") }
    }
    // Quote every field and compare the fields. Quotes are doubled scalar by scalar: a quote
    // followed by a combining mark is one Character, which a Character-based replace would miss
    // (the first fuzz session found that in this harness; the reader itself works on scalars).
    let written = rows.map { row in
        row.fields.map { field in
            var quoted = String.UnicodeScalarView()
            quoted.append("\"")
            for scalar in field.unicodeScalars {
                quoted.append(scalar)
                if scalar == "\"" { quoted.append("\"") }
            }
            quoted.append("\"")
            return String(quoted)
        }.joined(separator: ",")
    }.joined(separator: "\n")
    guard let again = try? CSVTable.rows(written) else { fatalError("written CSV does not read back: \(written)") }
    guard again.map(\.fields) == rows.map(\.fields) else { fatalError("CSV round trip changed the rows: \(written)") }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    check(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

#if !FUZZING
    @main
    struct ReplayCrashes {
        /// Without the fuzzer: checks each file named on the command line (replays a crash file).
        static func main() throws {
            for path in CommandLine.arguments.dropFirst() {
                let data = try Data(contentsOf: URL(fileURLWithPath: path))
                data.withUnsafeBytes(check)
                print("checked \(path)")
            }
        }
    }
#endif

import Foundation
import ImJoySchema

/// `imjoy-bench schema DIR`: validates DIR/instances.json against DIR/schema.json (both written by
/// bench/reference/schema_bench.py) and prints the best time per validation.
enum SchemaBenchmark {
    static func run(_ arguments: [String]) throws {
        guard let directory = arguments.first.map(URL.init(fileURLWithPath:)) else {
            FileHandle.standardError.write(Data("usage: imjoy-bench schema DIR\n".utf8))
            exit(2)
        }
        let schema = try JSONSchema(try load(directory.appendingPathComponent("schema.json")))
        guard case .array(let instances) = try load(directory.appendingPathComponent("instances.json")) else {
            throw CocoaError(.fileReadCorruptFile)
        }
        var valid = 0
        let best = measureBest(iterations: 3) {
            valid = instances.reduce(0) { $0 + (schema.isValid($1) ? 1 : 0) }
        }
        FileHandle.standardError.write(Data("valid \(valid) of \(instances.count)\n".utf8))
        report("schema", seconds: best / Double(instances.count))
    }

    private static func load(_ url: URL) throws -> JSONValue {
        try JSONValue(jsonBytes: try Data(contentsOf: url))
    }
}

import ArgumentParser
import Foundation
import ImJoyEngine
import ImJoySchema

/// `imjoy-run schema`: JSON Schema tools.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Validate data against JSON Schemas with ImJoy's file, ndarray and url keywords.",
        subcommands: [ValidateCommand.self]
    )
}

extension SchemaCommand {
    /// `imjoy-run schema validate --schema SCHEMA INSTANCE...`.
    struct ValidateCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "validate",
            abstract: "Validate JSON or YAML instances against a schema.",
            discussion: """
                Files ending in .yaml or .yml are read as YAML, others as JSON. Relative file paths inside \
                an instance (for the "file" keyword) resolve against the instance's folder.

                Exit codes: 0 every instance is valid, 1 some instance is invalid, 2 the schema is invalid \
                or a file cannot be read.
                """
        )

        @Option(name: .long, help: "The schema file (JSON or YAML).")
        var schema: String

        @Argument(help: "The instance files to validate.")
        var instances: [String]

        @Flag(name: .long, help: "Apply ImJoy's op inputs normalisation to the schema first.")
        var imjoyInputs = false

        @Flag(name: .long, help: "Print the verdicts as JSON.")
        var json = false

        @Option(name: .long, help: "The most errors to report per instance.")
        var maxErrors = 100

        func run() throws {
            let compiled: JSONSchema
            do {
                compiled = try compileSchema()
            } catch {
                if json, let schemaError = error as? SchemaError { print(InstanceReport.json(schemaError)) }
                printError(error is DocumentError ? "\(error)" : "\(schema): \(error)")
                throw ExitCode.invalidInput
            }
            var reports: [InstanceReport] = []
            for path in instances {
                reports.append(validate(path, with: compiled))
            }
            print(json ? InstanceReport.json(reports) : reports.map(\.text).joined(separator: "\n"))
            if reports.contains(where: { $0.readError != nil }) { throw ExitCode.invalidInput }
            if reports.contains(where: { !$0.result.isValid }) { throw ExitCode.someFailed }
        }

        private func compileSchema() throws -> JSONSchema {
            var value = try SchemaCommand.readDocument(atPath: schema)
            if imjoyInputs { value = try ImJoyInputs.normalize(value) }
            return try JSONSchema(value)
        }

        private func validate(_ path: String, with schema: JSONSchema) -> InstanceReport {
            let instance: JSONValue
            do {
                instance = try SchemaCommand.readDocument(atPath: path)
            } catch {
                return InstanceReport(path: path, result: ValidationResult(), readError: "\(error)")
            }
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            let options = ValidationOptions(maximumErrors: maxErrors, baseDirectory: folder)
            return InstanceReport(path: path, result: schema.validate(instance, options: options), readError: nil)
        }
    }

    /// Reads a JSON or YAML document (YAML for .yaml/.yml files).
    static func readDocument(atPath path: String) throws -> JSONValue {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw DocumentError(path: path, reason: fileErrorReason(error))
        }
        let lowered = path.lowercased()
        if lowered.hasSuffix(".yaml") || lowered.hasSuffix(".yml") {
            guard let text = String(data: data, encoding: .utf8) else { throw DocumentError(path: path, reason: "not UTF-8 text") }
            do { return try JSONValue(yamlText: text) } catch { throw DocumentError(path: path, reason: "\(error)") }
        }
        do { return try JSONValue(jsonBytes: data) } catch { throw DocumentError(path: path, reason: "\(error)") }
    }

    struct DocumentError: Error, CustomStringConvertible {
        var path: String
        var reason: String
        var description: String { "\(path): \(reason)" }
    }
}

/// One instance's verdict.
struct InstanceReport {
    var path: String
    var result: ValidationResult
    /// Why the file could not be read, if it could not.
    var readError: String?

    var text: String {
        if let readError { return "\(path): unreadable: \(readError)" }
        if result.isValid { return "\(path): valid" }
        var lines = ["\(path): invalid (\(result.errors.count)\(result.isTruncated ? "+" : "") errors)"]
        lines += result.errors.map { "  \($0.description)  [\($0.schemaPath)]" }
        return lines.joined(separator: "\n")
    }

    var jsonValue: JSONValue {
        var object: JSONObject = ["path": .string(path), "valid": .bool(readError == nil && result.isValid)]
        if let readError { object["readError"] = .string(readError) }
        object["errors"] = .array(
            result.errors.map { error in
                [
                    "instancePath": .string(error.instancePath), "schemaPath": .string(error.schemaPath),
                    "keyword": .string(error.keyword), "message": .string(error.message),
                ]
            })
        if result.isTruncated { object["truncated"] = true }
        return .object(object)
    }

    /// The `--json` output for an invalid schema.
    static func json(_ error: SchemaError) -> String {
        var details: JSONObject = ["schemaPath": .string(error.schemaPath), "message": .string(error.message)]
        if let hint = error.hint { details["hint"] = .string(hint) }
        let document: JSONValue = ["valid": false, "schemaError": .object(details), "instances": []]
        return document.serialized(.prettyPrinted)
    }

    static func json(_ reports: [InstanceReport]) -> String {
        let valid = reports.allSatisfy { $0.readError == nil && $0.result.isValid }
        let document: JSONValue = ["valid": .bool(valid), "instances": .array(reports.map(\.jsonValue))]
        return document.serialized(.prettyPrinted)
    }
}

import Foundation
import ImJoySchema
import TestSupport
import Testing

/// The official JSON Schema Test Suite, draft-07 (../shared/conformance/json-schema-test-suite).
@Suite("JSON Schema Test Suite (draft-07)")
struct ConformanceSuiteTests {
    /// One test case outcome that disagreed with the suite.
    struct Failure: CustomStringConvertible {
        var file: String
        var group: String
        var test: String
        var reason: String
        var description: String { "\(file) › \(group) › \(test): \(reason)" }
    }

    struct Tally {
        var passed = 0
        var failures: [Failure] = []
    }

    static var suiteDirectory: URL? {
        Fixtures.shared?.appendingPathComponent("conformance/json-schema-test-suite/draft7")
    }

    /// Whether the suite (or its `optional/` folder, `subfolder`) is beside the checkout.
    static func suiteIsPresent(_ subfolder: String = "") -> Bool {
        guard let directory = suiteDirectory?.appendingPathComponent(subfolder) else { return false }
        return FileManager.default.fileExists(atPath: directory.path)
    }

    static let absent: Comment = "the JSON Schema Test Suite is not at ../shared/conformance/json-schema-test-suite/draft7"

    /// Runs every case of the suite files in `directory` (recursively when asked).
    static func run(_ directory: URL, recursive: Bool, excluding excluded: Set<String> = []) throws -> Tally {
        var tally = Tally()
        let files = try FileManager.default.subpathsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".json") && (recursive || !$0.contains("/")) && !excluded.contains($0) }
            .sorted()
        for file in files {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            guard case .array(let groups) = try JSONValue(jsonText: text) else { continue }
            for group in groups { run(group, file: file, into: &tally) }
        }
        return tally
    }

    static func run(_ group: JSONValue, file: String, into tally: inout Tally) {
        let groupName = group["description"]?.stringValue ?? "?"
        let schema: JSONSchema
        do {
            schema = try JSONSchema(group["schema"] ?? .null)
        } catch {
            let count = group["tests"]?.arrayValue?.count ?? 0
            for _ in 0..<count {
                tally.failures.append(Failure(file: file, group: groupName, test: "(all)", reason: "compile error: \(error)"))
            }
            return
        }
        for test in group["tests"]?.arrayValue ?? [] {
            let expected = test["valid"]?.boolValue ?? false
            let result = schema.validate(test["data"] ?? .null)
            let fastResult = schema.isValid(test["data"] ?? .null)
            if result.isValid == expected && fastResult == expected {
                tally.passed += 1
            } else {
                let reason = "expected \(expected ? "valid" : "invalid"), got \(result.isValid ? "valid" : "invalid") \(result.errors)"
                tally.failures.append(Failure(file: file, group: groupName, test: test["description"]?.stringValue ?? "?", reason: reason))
            }
        }
    }

    @Test("every required draft-07 file except refRemote.json passes", .enabled(if: suiteIsPresent(), absent))
    func requiredFilesPass() throws {
        let directory = try #require(Self.suiteDirectory)
        let tally = try Self.run(directory, recursive: false, excluding: ["refRemote.json"])
        print("draft-07 suite: \(tally.passed) passed, \(tally.failures.count) failed")
        #expect(tally.passed > 700, "the suite ran too few cases (\(tally.passed))")
        for failure in tally.failures { Issue.record("\(failure)") }
    }

    @Test("every schema in the suite is valid against the draft-07 meta-schema", .enabled(if: suiteIsPresent(), absent))
    func suiteSchemasSatisfyTheMetaSchema() throws {
        let directory = try #require(Self.suiteDirectory)
        let meta = try JSONSchema(["$ref": "http://json-schema.org/draft-07/schema#"])
        var checked = 0
        for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) where file.hasSuffix(".json") {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            for group in try JSONValue(jsonText: text).arrayValue ?? [] {
                let result = meta.validate(group["schema"] ?? .null)
                #expect(result.isValid, "\(file): \(group["description"] ?? "?"): \(result.errors)")
                checked += 1
            }
        }
        #expect(checked > 200)
    }

    @Test(
        "optional/ is reported, not required",
        .enabled(if: suiteIsPresent("optional"), "the JSON Schema Test Suite's optional/ folder is not beside the checkout"))
    func optionalFilesAreCounted() throws {
        let directory = try #require(Self.suiteDirectory?.appendingPathComponent("optional"))
        let tally = try Self.run(directory, recursive: true)
        let total = tally.passed + tally.failures.count
        print("draft-07 optional/: \(tally.passed) of \(total) passed")
        for failure in tally.failures { print("  optional failure: \(failure)") }
        #expect(total > 0)
    }
}

import Foundation
import TestSupport
import Testing

@Suite("imjoy-run schema validate")
struct SchemaCommandTests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    func imjoyRun(_ arguments: [String], in directory: URL) throws -> Run {
        let process = Process()
        process.executableURL = Fixtures.imjoyRunExecutable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// A folder with an inputs schema (YAML), a TIFF file, a valid and an invalid instance.
    func makeFolder() throws -> URL {
        let folder = try Fixtures.temporaryDirectory("schema-cli")
        try "image: {file: {ext: .tif}}\nsigma: {type: number, minimum: 0}\n"
            .write(to: folder.appendingPathComponent("inputs.yaml"), atomically: true, encoding: .utf8)
        try Data([0x49, 0x49, 0x2A, 0x00]).write(to: folder.appendingPathComponent("data/a.tif").creatingParent())
        try #"{"image": "a.tif", "sigma": 1}"#.write(to: folder.appendingPathComponent("data/ok.json"), atomically: true, encoding: .utf8)
        try "image: missing.tif\nsigma: -1\n".write(to: folder.appendingPathComponent("bad.yml"), atomically: true, encoding: .utf8)
        return folder
    }

    @Test func validInstancesExitZero() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try imjoyRun(["schema", "validate", "--schema", "inputs.yaml", "--imjoy-inputs", "data/ok.json"], in: folder)
        #expect(run.status == 0)
        #expect(run.stdout.contains("data/ok.json: valid"))
    }

    @Test func anInvalidInstanceExitsOneAndListsItsErrors() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try imjoyRun(
            ["schema", "validate", "--schema", "inputs.yaml", "--imjoy-inputs", "data/ok.json", "bad.yml"],
            in: folder)
        #expect(run.status == 1)
        #expect(run.stdout.contains("bad.yml: invalid (2 errors)"))
        #expect(run.stdout.contains("/image: file not found: "))
        #expect(run.stdout.contains("/sigma: expected a number >= 0, got -1  [#/properties/sigma/minimum]"))
    }

    @Test func jsonOutput() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try imjoyRun(["schema", "validate", "--schema", "inputs.yaml", "--imjoy-inputs", "--json", "bad.yml"], in: folder)
        #expect(run.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(object["valid"] as? Bool == false)
        let instance = try #require((object["instances"] as? [[String: Any]])?.first)
        let errors = try #require(instance["errors"] as? [[String: Any]])
        #expect(errors.compactMap { $0["instancePath"] as? String }.sorted() == ["/image", "/sigma"])
        #expect(errors.contains { $0["schemaPath"] as? String == "#/properties/image/file" })
    }

    @Test func anInvalidSchemaExitsTwo() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try #"{"type": "object", "properties": {"a": {"type": "strng"}}}"#
            .write(to: folder.appendingPathComponent("broken.json"), atomically: true, encoding: .utf8)
        let run = try imjoyRun(["schema", "validate", "--schema", "broken.json", "data/ok.json"], in: folder)
        #expect(run.status == 2)
        #expect(run.stderr.contains("#/properties/a/type"))
        let json = try imjoyRun(["schema", "validate", "--schema", "broken.json", "--json", "data/ok.json"], in: folder)
        #expect(json.status == 2)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((object["schemaError"] as? [String: Any])?["schemaPath"] as? String == "#/properties/a/type")
    }

    @Test func draft03RequiredExitsTwoWithAHint() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "image: {type: string, required: true}\n".write(
            to: folder.appendingPathComponent("old.yaml"), atomically: true, encoding: .utf8)
        let run = try imjoyRun(["schema", "validate", "--schema", "old.yaml", "--imjoy-inputs", "data/ok.json"], in: folder)
        #expect(run.status == 2)
        #expect(run.stderr.contains("hint:"))
    }

    @Test func anUnreadableInstanceExitsTwo() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "{not json".write(to: folder.appendingPathComponent("broken.json"), atomically: true, encoding: .utf8)
        let run = try imjoyRun(["schema", "validate", "--schema", "inputs.yaml", "broken.json"], in: folder)
        #expect(run.status == 2)
        #expect(run.stdout.contains("broken.json: unreadable: "))
    }
}

extension URL {
    /// Creates the parent directory and returns the URL.
    fileprivate func creatingParent() throws -> URL {
        try FileManager.default.createDirectory(at: deletingLastPathComponent(), withIntermediateDirectories: true)
        return self
    }
}

import Foundation
import TestSupport
import Testing

/// Usage errors and bad input exit 2 with one line; a second run into a busy out dir is refused.
@Suite struct ExitCodeTests {
    static let workflow = """
        {"name": "codes", "inputs": {"images": {"glob": "*.tif"}}, "ops": [{"id": "load", "builtin": "read-tiff"}]}
        """

    static func folder() throws -> URL {
        let directory = try Fixtures.temporaryDirectory("imjoy-run-codes")
        try workflow.write(to: directory.appendingPathComponent("w.json"), atomically: true, encoding: .utf8)
        try Data("not a tiff".utf8).write(to: directory.appendingPathComponent("img_0.tif"))
        return directory
    }

    @Test(arguments: [
        ["--nosuch"], ["run", "w.json", "--jobs", "-3"], ["run", "w.json", "--jobs", "99999999999"],
        ["run", "w.json", "--jobs", "0"], ["run", "w.json", "--retries", "101"], ["run", "w.json", "--retries", "9223372036854775807"],
    ])
    func usageErrorsExitTwo(arguments: [String]) throws {
        let directory = try Self.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try CommandRunner.imjoyRun(arguments, in: directory)
        #expect(result.status == 2, "\(arguments): \(result.standardError)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("out").path))
    }

    @Test func anUnwritableOutIsOneErrorLineNamingTheFolder() throws {
        let directory = try Self.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data().write(to: directory.appendingPathComponent("a-file"))
        let result = try CommandRunner.imjoyRun(["run", "w.json", "--out", "a-file/out", "--no-progress"], in: directory)
        #expect(result.status == 2)
        let lines = result.standardError.split(separator: "\n")
        #expect(lines.count == 1, "\(result.standardError)")
        #expect(lines.first?.contains("the output folder a-file/out cannot be written") == true, "\(result.standardError)")
    }

    @Test func schemaValidateOnAMissingFileIsOneLine() throws {
        let directory = try Self.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try CommandRunner.imjoyRun(["schema", "validate", "--schema", "missing.json", "w.json"], in: directory)
        #expect(result.status == 2)
        #expect(result.standardError == "imjoy-run: error: missing.json: No such file or directory\n", "\(result.standardError)")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/flock"), "needs flock(1) from util-linux"))
    func aSecondRunIntoABusyOutDirFailsAtOnce() throws {
        let directory = try Self.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("out/.imjoy-run"), withIntermediateDirectories: true)
        // flock(1) holds the out dir's lock as a running imjoy-run would, and runs the second one.
        let result = try CommandRunner.run(
            URL(fileURLWithPath: "/usr/bin/flock"),
            ["out/.imjoy-run/run.lock", Fixtures.imjoyRunExecutable.path, "run", "w.json", "--out", "out", "--no-progress"],
            in: directory)
        #expect(result.status == 2, "\(result.standardError)")
        #expect(result.standardError.contains("another imjoy-run is writing into out (lock "), "\(result.standardError)")
        #expect(result.standardError.split(separator: "\n").count == 1, "\(result.standardError)")
    }
}

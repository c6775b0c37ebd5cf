import Foundation
import ImJoySchema
import TestSupport
import Testing

/// `imjoy-run check-functional` through the built binary: exit codes, the text and JSON reports.
@Suite(.serialized, .enabled(if: TestConditions.pythonWithNumpy, "needs python3 with numpy, tifffile, h5py and scipy"))
struct CheckFunctionalCommandTests {
    static func plugin(_ name: String) -> String { Fixtures.url("plugins/functional/\(name).imjoy.html").path }

    /// A folder with two 48×64 uint16 TIFFs, a.tif and b.tif.
    static func images() throws -> URL {
        let directory = try Fixtures.temporaryDirectory("imjoy-run-check-cli")
        let script = """
            import sys, numpy as np, tifffile
            for i, name in enumerate(["a", "b"]):
                tifffile.imwrite(f"{sys.argv[1]}/{name}.tif", (np.arange(48 * 64) % (1000 + i)).reshape(48, 64).astype(np.uint16))
            """
        #expect(try CommandRunner.python(script, [directory.path]).status == 0)
        return directory
    }

    @Test func aPurePluginExitsZero() throws {
        let directory = try Self.images()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try CommandRunner.imjoyRun(
            ["check-functional", Self.plugin("Pure"), "--input", "a.tif", "--input", "b.tif", "--config", #"{"scale": 3}"#], in: directory)
        #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
        #expect(result.standardOutput.contains("op Pure: 2 inputs (a.tif, b.tif), 6 processes, 12 calls"), "\(result.standardOutput)")
        #expect(result.standardOutput.hasSuffix("Pure: no violation found\n"))
    }

    @Test func violationsExitOneWithTheirEvidence() throws {
        let directory = try Self.images()
        defer { try? FileManager.default.removeItem(at: directory) }
        let text = try CommandRunner.imjoyRun(["check-functional", Self.plugin("StrayFile"), "--input", "a.tif"], in: directory)
        #expect(text.status == 1)
        #expect(
            text.standardOutput.contains("VIOLATION  files outside the out dir   side effect: call 1 on a.tif wrote WORK_DIR/stray.txt"),
            "\(text.standardOutput)")
        let json = try CommandRunner.imjoyRun(
            ["check-functional", Self.plugin("GlobalCounter"), "--input", "a.tif", "--input", "b.tif", "--json"], in: directory)
        #expect(json.status == 1, "\(json.standardError)")
        let report = try JSONValue(jsonText: json.standardOutput)
        let violations = report["ops"]?[0]?["violations"]?.arrayValue ?? []
        #expect(report["violations"]?.intValue == violations.count && !violations.isEmpty)
        #expect(Set(violations.compactMap { $0["kind"]?.stringValue }) == ["hidden-state", "side-effect"], "\(violations)")
        #expect(report["plugin"]?["functional"] == true)
    }

    @Test func writesAreSeenInWatchedFoldersOnly() throws {
        let directory = try Self.images()
        defer { try? FileManager.default.removeItem(at: directory) }
        let elsewhere = try Fixtures.temporaryDirectory("imjoy-run-check-elsewhere")
        defer {
            try? FileManager.default.removeItem(at: directory)
            try? FileManager.default.removeItem(at: elsewhere)
        }
        let arguments = [
            "check-functional", Self.plugin("StrayFile"), "--input", "a.tif", "--config", #"{"folder": "\#(elsewhere.path)"}"#,
        ]
        // A folder that is neither WORK_DIR, TMPDIR, the plugin's, the inputs' nor the current one
        // is not watched: the system-call trace (strace) still sees the write, when it can run…
        let unwatched = try CommandRunner.imjoyRun(arguments, in: directory)
        let stray = elsewhere.appendingPathComponent("stray.txt")
        #expect(FileManager.default.fileExists(atPath: stray.path), "the plugin wrote")
        if Self.traces {
            #expect(unwatched.status == 1, "\(unwatched.standardOutput)\(unwatched.standardError)")
            #expect(
                unwatched.standardOutput.contains("side effect: call 1 on a.tif wrote \(elsewhere.path)/stray.txt"),
                "\(unwatched.standardOutput)")
        } else {
            #expect(unwatched.status == 0, "without strace the write is unseen: \(unwatched.standardOutput)\(unwatched.standardError)")
        }
        try FileManager.default.removeItem(at: stray)
        // …and --watch names it for the folder snapshots.
        let watched = try CommandRunner.imjoyRun(arguments + ["--watch", elsewhere.path], in: directory)
        #expect(watched.status == 1)
        #expect(
            watched.standardOutput.contains("side effect: call 1 on a.tif wrote \(elsewhere.path)/stray.txt"), "\(watched.standardOutput)")
    }

    /// strace can trace a child here (what `SyscallTrace.isAvailable` checks in the engine).
    static let traces: Bool = {
        let probe = try? CommandRunner.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            ["strace", "-f", "-qq", "-o", "/dev/null", "--", "setpriv", "--pdeathsig", "KILL", "--", "/bin/true"],
            in: FileManager.default.temporaryDirectory)
        return probe?.status == 0
    }()

    @Test func badInputExitsTwoNamingTheProblem() throws {
        let directory = try Self.images()
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = try CommandRunner.imjoyRun(["check-functional", Self.plugin("Pure"), "--input", "missing.tif"], in: directory)
        #expect(missing.status == 2)
        #expect(missing.standardError == "imjoy-run: error: input missing.tif: no such file\n")
        let config = try CommandRunner.imjoyRun(["check-functional", Self.plugin("Pure"), "--config", #"{"scale": "x"}"#], in: directory)
        #expect(config.status == 2)
        #expect(config.standardError.contains("--config: $.scale: expected a number, got string"), "\(config.standardError)")
        let op = try CommandRunner.imjoyRun(["check-functional", Self.plugin("Pure"), "--op", "Nope"], in: directory)
        #expect(op.status == 2)
        #expect(op.standardError.contains("op 'Nope' is not registered"), "\(op.standardError)")
        let noHost = try CommandRunner.imjoyRun(["check-functional", Self.plugin("Window")], in: directory)
        #expect(noHost.status == 2)
        #expect(
            noHost.standardError
                == "imjoy-run: error: \(Self.plugin("Window")): check-functional drives Python and web-worker plugins (native-python, web-python, web-worker), not type 'window'\n",
            "\(noHost.standardError)")
    }

    @Test func theSampleWebWorkerHistogramIsFunctional() throws {
        let directory = try Self.images()
        defer { try? FileManager.default.removeItem(at: directory) }
        let histogram = Fixtures.samples.appendingPathComponent("plugins/Histogram.imjoy.html").path
        // `--node` as scripts/setup guarantees it: node or nodejs on PATH.
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        let node = try #require(
            ["node", "nodejs"].lazy.compactMap { name in
                paths.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
            }.first)
        let result = try CommandRunner.imjoyRun(
            ["check-functional", histogram, "--input", "a.tif", "--input", "b.tif", "--node", node, "--json"], in: directory)
        #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
        let report = try JSONValue(jsonText: result.standardOutput)
        #expect(report["plugin"]?["functional"] == true && report["violations"]?.intValue == 0, "\(result.standardOutput)")
        let checks = report["ops"]?[0]?["checks"]?.arrayValue ?? []
        #expect(
            checks.count == 9 && checks.allSatisfy { $0["status"] == "passed" || ($0["name"] == "network" && !Self.traces) }, "\(checks)")
        #expect(report["ops"]?[0]?["calls"]?.intValue == 12)
    }
}

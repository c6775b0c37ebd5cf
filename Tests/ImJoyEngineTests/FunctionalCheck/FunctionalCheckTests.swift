import Foundation
import ImJoySchema
import TestSupport
import Testing

@testable import ImJoyEngine

/// `FunctionalCheck` on the test plugins in Tests/Fixtures/plugins/functional, with real Python
/// and numpy: each plugin breaks the functional claim one way, and the report must name that way.
@Suite(.serialized) struct FunctionalCheckTests {
    typealias Kind = FunctionalCheckReport.ViolationKind

    static func check(_ plugin: String, inputs: [String] = [], data: JSONValue? = nil) throws -> FunctionalCheckReport {
        let file = Fixtures.url("plugins/functional/\(plugin).imjoy.html").path
        return try FunctionalCheck(options: .init(pluginFile: file, inputFiles: inputs, dataTemplate: data)).run()
    }

    static func violations(_ report: FunctionalCheckReport, _ kind: Kind, check: String) -> [String] {
        report.violations.filter { $0.kind == kind && $0.check == check }.map(\.message)
    }

    static func status(_ report: FunctionalCheckReport, _ check: String) -> FunctionalCheckReport.Check.Status? {
        report.ops.first?.checks.first { $0.name == check }?.status
    }

    @Test func aPurePluginPassesEveryCheck() throws {
        let report = try Self.check("Pure")
        #expect(report.violations.isEmpty, "\(report.text)")
        let checks = try #require(report.ops.first).checks
        #expect(
            checks.map(\.name) == [
                OpCheckSession.fresh, OpCheckSession.repeated, OpCheckSession.reverse, OpCheckSession.interleaved,
                OpCheckSession.globals, OpCheckSession.files, OpCheckSession.setConfig, OpCheckSession.environment, OpCheckSession.network,
            ])
        #expect(
            checks.allSatisfy { $0.status == .passed || ($0.name == OpCheckSession.network && !SyscallTrace.isAvailable) }, "\(report.text)"
        )
        #expect(report.ops.first?.inputs == ["generated #1", "generated #2"])
        #expect(report.text.hasSuffix("Pure: no violation found"))
    }

    @Test func aGlobalCounterIsHiddenStateAndAChangedGlobal() throws {
        let report = try Self.check("GlobalCounter")
        let repeated = Self.violations(report, .hiddenState, check: OpCheckSession.repeated)
        #expect(repeated.count == 2, "\(report.text)")
        #expect(
            repeated.first?.hasPrefix("hidden state: call 2 on generated #1 in one process differs from call 1 (counts[0]: ") == true,
            "\(repeated)")
        #expect(!Self.violations(report, .hiddenState, check: OpCheckSession.interleaved).isEmpty)
        let globals = Self.violations(report, .sideEffect, check: OpCheckSession.globals)
        #expect(globals == ["side effect: call 2 on generated #1 changed calls: 1 → 2"], "\(report.text)")
        #expect(report.violations.allSatisfy { $0.kind != .nondeterminism })
        #expect(Self.status(report, OpCheckSession.fresh) == .passed)
    }

    @Test func unseededRandomnessIsNondeterminism() throws {
        let report = try Self.check("Unseeded")
        let found = Self.violations(report, .nondeterminism, check: OpCheckSession.fresh)
        #expect(found.count == 2, "\(report.text)")
        #expect(found.first?.contains("image: 1024 of 1024 float64 elements differ") == true, "\(found)")
        // Differences between calls prove nothing about state when fresh processes disagree.
        #expect(report.violations.allSatisfy { $0.kind == .nondeterminism })
        #expect(Self.status(report, OpCheckSession.repeated) == .skipped)
    }

    @Test func aStrayFileIsASideEffect() throws {
        let report = try Self.check("StrayFile")
        #expect(
            Self.violations(report, .sideEffect, check: OpCheckSession.files) == [
                "side effect: call 1 on generated #1 wrote WORK_DIR/stray.txt"
            ], "\(report.text)")
        #expect(report.violations.count == 1, "\(report.text)")
    }

    @Test func stateSeenOnlyAcrossInputsIsFoundByOrderAndInterleaving() throws {
        let report = try Self.check("ShapeMemo")
        #expect(Self.status(report, OpCheckSession.repeated) == .passed, "\(report.text)")
        let reverse = Self.violations(report, .hiddenState, check: OpCheckSession.reverse)
        #expect(reverse.count == 1, "\(report.text)")
        #expect(
            reverse.first?.hasPrefix(
                "hidden state: call 2 on generated #1, after generated #2, differs from its result in a fresh process (sum: ") == true)
        #expect(Self.violations(report, .hiddenState, check: OpCheckSession.interleaved).count == 2)
        // Filling the memo on a process's first call is lazy initialisation: a note, not a violation.
        #expect(Self.status(report, OpCheckSession.globals) == .passed)
        #expect(report.ops.first?.notes.contains { $0.hasPrefix("call 1 set self.memo") } == true)
    }

    @Test func inputFilesArePutWhereTheSchemaOrTheTemplateSays() throws {
        let directory = try Fixtures.temporaryDirectory("imjoy-run-check")
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = """
            import sys, json, numpy as np, tifffile, h5py
            tifffile.imwrite(sys.argv[1] + "/a.tif", np.arange(12, dtype=np.uint16).reshape(3, 4))
            with h5py.File(sys.argv[1] + "/b.h5", "w") as f:
                f["x"] = np.ones((3, 4), dtype=np.uint16)
            """
        #expect(try CommandRunner.python(script, [directory.path]).status == 0)
        let files = [directory.appendingPathComponent("a.tif").path, directory.appendingPathComponent("b.h5").path + ":x"]
        let report = try Self.check("Pure", inputs: files)
        #expect(report.ops.first?.inputs == ["a.tif", "b.h5:x"])
        #expect(report.violations.isEmpty, "\(report.text)")
        // The template puts each file's array under `image` itself.
        let templated = try Self.check("GlobalCounter", inputs: [files[0]], data: ["image": "$input"])
        #expect(
            Self.violations(templated, .hiddenState, check: OpCheckSession.repeated).first?.contains("counts[0]: 1 vs 2") == true,
            "\(templated.text)")
        #expect(Self.status(templated, OpCheckSession.reverse) == .skipped)
    }

    @Test func savingConfigIsASideEffectOfARegisteredOp() throws {
        // Stateful's `Count` op counts its runs with api.getConfig/setConfig.
        let file = Fixtures.url("plugins/python/Stateful.imjoy.html").path
        let report = try FunctionalCheck(options: .init(pluginFile: file, ops: ["Count"], dataTemplate: 1)).run()
        #expect(!report.declaresFunctional)
        #expect(report.ops.map(\.op) == ["Count"] && report.ops.first?.inputs == ["the --data value"])
        #expect(
            Self.violations(report, .sideEffect, check: OpCheckSession.setConfig)
                == ["side effect: call 1 on the --data value saved api.setConfig('runs'), state that outlives the call"], "\(report.text)")
        // Each fresh process starts with an empty store, so the count shows as hidden state.
        #expect(Self.violations(report, .hiddenState, check: OpCheckSession.repeated).first?.hasSuffix("(runs: 1 vs 2)") == true)
        #expect(Self.status(report, OpCheckSession.fresh) == .passed)
    }

    @Test func badInputIsAnErrorNamingTheFile() throws {
        #expect { try Self.check("Pure", inputs: ["/nonexistent/a.tif"]) } throws: { error in
            "\(error)" == "input /nonexistent/a.tif: no such file"
        }
        #expect { try Self.check("Pure", data: ["other": 1]) } throws: { error in
            "\(error)".contains("op 'Pure' failed on the --data value in a fresh process") && "\(error)".contains("KeyError: 'image'")
        }
        let file = Fixtures.url("plugins/functional/Pure.imjoy.html").path
        #expect { try FunctionalCheck(options: .init(pluginFile: file, ops: ["Nope"])).run() } throws: { error in
            "\(error)" == "\(file): op 'Nope' is not registered (the plugin registers: none)"
        }
        let hang = Fixtures.url("plugins/functional/Hang.imjoy.html").path
        #expect { try FunctionalCheck(options: .init(pluginFile: hang, dataTemplate: 1, timeout: 1)).run() } throws: { error in
            "\(error)" == "\(hang): op 'Hang', call 1 on the --data value, did not return within 1 s (--timeout); its process was killed"
        }
    }
}

import Foundation
import ImJoySchema
import TestSupport
import Testing

@testable import ImJoyEngine

/// `FunctionalCheck` on the web-worker test plugins in Tests/Fixtures/plugins/functional (`*JS`),
/// with real Node.js: the JavaScript counterparts of ``FunctionalCheckTests``.
@Suite(.serialized) struct JavaScriptFunctionalCheckTests {
    typealias Kind = FunctionalCheckReport.ViolationKind

    static func check(_ plugin: String) throws -> FunctionalCheckReport {
        try FunctionalCheckTests.check(plugin)
    }

    @Test func aPurePluginPassesEveryCheck() throws {
        let report = try Self.check("PureJS")
        #expect(report.violations.isEmpty, "\(report.text)")
        let checks = try #require(report.ops.first).checks
        #expect(
            checks.count == 9
                && checks.allSatisfy { $0.status == .passed || ($0.name == OpCheckSession.network && !SyscallTrace.isAvailable) },
            "\(report.text)")
        #expect(report.ops.first?.processes == 6 && report.ops.first?.calls == 12)
        #expect(report.text.hasSuffix("PureJS: no violation found"))
    }

    @Test func aTopLevelLetCounterIsHiddenStateAndAChangedGlobal() throws {
        let report = try Self.check("GlobalCounterJS")
        let repeated = FunctionalCheckTests.violations(report, .hiddenState, check: OpCheckSession.repeated)
        #expect(repeated.count == 2, "\(report.text)")
        #expect(
            repeated.first?.hasPrefix("hidden state: call 2 on generated #1 in one process differs from call 1 (counts[0]: ") == true,
            "\(repeated)")
        #expect(!FunctionalCheckTests.violations(report, .hiddenState, check: OpCheckSession.interleaved).isEmpty)
        // `let calls` is no property of globalThis: the host finds it in the global lexical scope.
        let globals = FunctionalCheckTests.violations(report, .sideEffect, check: OpCheckSession.globals)
        #expect(globals == ["side effect: call 2 on generated #1 changed calls: 1 → 2"], "\(report.text)")
        #expect(report.violations.allSatisfy { $0.kind != .nondeterminism })
        #expect(FunctionalCheckTests.status(report, OpCheckSession.fresh) == .passed)
    }

    @Test func mathRandomIsNondeterminism() throws {
        let report = try Self.check("UnseededJS")
        let found = FunctionalCheckTests.violations(report, .nondeterminism, check: OpCheckSession.fresh)
        #expect(found.count == 2, "\(report.text)")
        #expect(found.first?.contains("image: 1024 of 1024 float64 elements differ") == true, "\(found)")
        #expect(report.violations.allSatisfy { $0.kind == .nondeterminism })
        #expect(FunctionalCheckTests.status(report, OpCheckSession.repeated) == .skipped)
    }

    @Test func aMemoInTheExportedObjectIsFoundByOrderAndInterleaving() throws {
        let report = try Self.check("ShapeMemoJS")
        #expect(FunctionalCheckTests.status(report, OpCheckSession.repeated) == .passed, "\(report.text)")
        let reverse = FunctionalCheckTests.violations(report, .hiddenState, check: OpCheckSession.reverse)
        #expect(reverse.count == 1, "\(report.text)")
        #expect(
            reverse.first?.hasPrefix(
                "hidden state: call 2 on generated #1, after generated #2, differs from its result in a fresh process (sum: ") == true)
        #expect(FunctionalCheckTests.violations(report, .hiddenState, check: OpCheckSession.interleaved).count == 2)
        // `this.memo` filled on a process's first call: lazy initialisation, a note.
        #expect(FunctionalCheckTests.status(report, OpCheckSession.globals) == .passed)
        #expect(report.ops.first?.notes.contains { $0.hasPrefix("call 1 set this.memo") } == true, "\(report.text)")
    }

    @Test func aTypeWithNoHostIsRefused() throws {
        let file = Fixtures.url("plugins/functional/Window.imjoy.html").path
        #expect { try FunctionalCheck(options: .init(pluginFile: file)).run() } throws: { error in
            "\(error)"
                == "\(file): check-functional drives Python and web-worker plugins (native-python, web-python, web-worker), not type 'window'"
        }
    }

    @Test func anEnvironmentChangeIsCaughtWithTheVariable() throws {
        let report = try Self.check("SetsEnvironmentJS")
        let found = FunctionalCheckTests.violations(report, .sideEffect, check: OpCheckSession.environment)
        #expect(
            found.first?.hasPrefix(
                "side effect: call 1 on generated #1 changed the environment variable IMJOY_RUN_FIXTURE_CALLS: (unset) → ") == true,
            "\(report.text)")
    }
}

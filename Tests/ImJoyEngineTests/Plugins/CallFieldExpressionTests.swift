import Foundation
import ImJoyPlugin
import ImJoySchema
import ImJoyWorkflow
import TestSupport
import Testing

@testable import ImJoyEngine

/// Data expressions in an op's `answers`, `args` and `kwargs` (issue #14): `$inputs.NAME` and
/// `$OPID` / `$OPID.field` (another op's result, which makes that op a dependency), run end to
/// end with ImJoy's own example plugins and checked at `validate` time.
@Suite struct CallFieldExpressionTests {
    static func validate(_ ops: String, inputs: String = #"{"n": [1]}"#) -> String {
        let plugin = RealPluginRun.root.appendingPathComponent("imjoy-demo-plugins/examples/GetNumber.imjoy.html").path
        do {
            let workflow = try WorkflowLoader.load(
                text: #"{"name": "x", "plugins": {"p": "\#(plugin)"}, "inputs": \#(inputs), "ops": [\#(ops)]}"#, file: "w.json")
            _ = try WorkflowValidator(resolver: .init(environment: [:])).validate(workflow)
            return ""
        } catch {
            return "\(error)"
        }
    }

    /// `say` is written first but uses `ask`'s result in its `args`: the plan puts it after `ask`.
    @Test func resultReferencesAreDependencies() throws {
        let file = RealPluginRun.root.appendingPathComponent("workflows/call-fields-from-results.json").path
        let validated = try WorkflowValidator(resolver: .init(environment: [:])).validate(try WorkflowLoader.load(contentsOf: file))
        let order = validated.ops.map(\.id)
        #expect(order.firstIndex(of: "ask")! < order.firstIndex(of: "say")!, "\(order)")
        #expect(order.firstIndex(of: "ask")! < order.firstIndex(of: "again")!, "\(order)")
        let say = try #require(validated.ops.first { $0.id == "say" })
        #expect(say.callSourceOps == ["ask"] && say.dependencies.contains("ask"))
        #expect(say.sourceOps != ["ask"], "an argument is not the op's data (_source_op)")
        let exp = try #require(validated.ops.first { $0.id == "exp" })
        #expect(exp.callSourceOps == ["again"])
        #expect(validated.consumedOps.contains("ask"), "its result is kept for its consumers")
        #expect(WorkflowGraph.render(validated, as: .dot).contains(#""ask" -> "say""#))
    }

    @Test func badReferencesFailAtValidateWithTheirJSONPath() {
        let unknown = Self.validate(#"{"id": "a", "plugin": "p", "answers": {"prompt": "$nope.numb"}}"#)
        #expect(unknown.contains("ops[0].answers.prompt") && unknown.contains("$nope names no op"), "\(unknown)")
        let own = Self.validate(#"{"id": "a", "plugin": "p", "answers": {"prompt": ["1", "$a"]}}"#)
        #expect(own.contains("ops[0].answers.prompt[1]") && own.contains("an op cannot use its own result"), "\(own)")
        let arg = Self.validate(#"{"id": "a", "plugin": "p", "function": "run", "args": [{"data": "$gone"}]}"#)
        #expect(arg.contains("ops[0].args[0]") && arg.contains("$gone names no op"), "\(arg)")
        let kwarg = Self.validate(#"{"id": "a", "plugin": "p", "function": "run", "kwargs": {"ctx": "$inputs.m"}}"#)
        #expect(kwarg.contains("ops[0].kwargs.ctx") && kwarg.contains("$inputs.m is not among the inputs"), "\(kwarg)")
        let cycle = Self.validate(
            #"{"id": "a", "plugin": "p", "data": "$b"}, {"id": "b", "plugin": "p", "data": 1, "answers": {"prompt": "$a.numb"}}"#)
        #expect(cycle.contains("the ops form a cycle"), "\(cycle)")
        #expect(Self.validate(#"{"id": "a", "plugin": "p"}, {"id": "b", "plugin": "p", "answers": {"prompt": "$a.numb"}}"#).isEmpty)
    }

    /// GetNumber (web-worker) asks for a number; the second GetNumber op is answered with the first
    /// one's result, `alert.show_alert` gets it as a positional argument, and Calculator's `run`
    /// (web-python) gets a ctx made of the second result as a keyword argument — each item its own.
    @Test(.enabled(if: RealPluginRun.hasNode && RealPluginRun.hasNumpy, "needs Node.js and python3 with numpy"))
    func answersArgsAndKwargsTakeOpResults() throws {
        let run = try RealPluginRun("call-fields-from-results.json")
        defer { run.remove() }
        #expect(run.summary.exitCode == 0, "\(run.summary.text) \(run.tasks.compactMap(\.error))")
        // `ask` and `again` are consumed (by `say`, `again` and `exp`): no result files of their own.
        #expect(!FileManager.default.fileExists(atPath: run.out.appendingPathComponent("0/again.json").path))
        #expect(run.shown(op: "say").sorted() == ["alert: 3", "alert: 4.5"])
        let exp = run.shown(op: "exp").sorted()
        #expect(exp == ["alert: Exp of 3 is \(Foundation.exp(3.0))", "alert: Exp of 4.5 is \(Foundation.exp(4.5))"], "\(exp)")
    }

    /// A field path missing from the upstream result fails that item, naming the JSON path.
    @Test(.enabled(if: RealPluginRun.hasNode, "needs Node.js"))
    func aMissingFieldFailsTheItemNamingThePath() throws {
        let directory = try TemporaryDirectory("imjoy-run-call-fields")
        defer { withExtendedLifetime(directory) {} }
        let plugin = RealPluginRun.root.appendingPathComponent("imjoy-demo-plugins/examples/GetNumber.imjoy.html").path
        let workflow = directory.url.appendingPathComponent("w.json")
        try #"""
        {"name": "m", "plugins": {"p": "\#(plugin)"}, "inputs": {"n": ["2"]},
         "ops": [{"id": "a", "plugin": "p", "answers": {"prompt": "$inputs.n"}},
                 {"id": "b", "plugin": "p", "answers": {"prompt": "$a.missing"}}]}
        """#.write(to: workflow, atomically: true, encoding: .utf8)
        let run = try RealPluginRun(workflow.path)
        defer { run.remove() }
        #expect(run.summary.exitCode == 1)
        let error = run.error(op: "b") ?? ""
        #expect(error.contains("ops[1].answers.prompt: $a.missing: the result of 'a' has no field 'missing'"), "\(error)")
    }

    /// Two items with the same data and config whose arguments come from different upstream
    /// results: the cache keeps them apart, and a second run serves each its own.
    @Test(.enabled(if: RunTestConditions.pythonWithNumpy, "needs python3 with numpy"))
    func cachedCallsKeyTheirArgumentsFromResults() throws {
        let workflow = """
            {"name": "k", "plugins": {"echo": "\(PythonPluginRunTests.plugin("Echo"))"}, "inputs": {"n": [1, 2]},
             "ops": [{"id": "a", "plugin": "echo", "function": "pid", "args": [{"data": "$inputs.n"}], "data": null},
                     {"id": "f", "plugin": "echo", "function": "pid", "args": [{"data": "$a.value"}], "data": null}]}
            """
        let (fixture, first, _) = try PythonPluginRunTests.run(workflow, jobs: 1)
        defer { fixture.remove() }
        #expect(first.status == .succeeded, "\(first.text)")
        let (_, second, _) = try PythonPluginRunTests.run(workflow, jobs: 1, in: fixture)
        #expect(second.status == .succeeded && second.cachedTasks == 4, "\(second.text)")
        #expect(try PythonPluginRunTests.json(fixture, "0/f.json")["value"] == 1)
        #expect(try PythonPluginRunTests.json(fixture, "1/f.json")["value"] == 2)
    }
}

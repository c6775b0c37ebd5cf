import ImJoyPlugin
import ImJoySchema
import TestSupport
import Testing

@testable import ImJoyWorkflow

/// Validates workflow text written in a temporary folder beside the sample plugins.
func validate(_ text: String, file: String = "w.json") throws -> ValidatedWorkflow {
    let workflow = try WorkflowLoader.load(text: text, file: Fixtures.packageRoot.appendingPathComponent("workflows/\(file)").path)
    return try WorkflowValidator(resolver: PluginResolver(environment: [:])).validate(workflow)
}

func validationErrors(_ text: String) -> [WorkflowError] {
    do {
        _ = try validate(text)
        return []
    } catch let errors as WorkflowErrors {
        return errors.errors
    } catch {
        return [WorkflowError(file: "?", message: "\(error)")]
    }
}

@Suite struct WorkflowValidatorTests {
    @Test func validatesPluginAndBuiltinOps() throws {
        let validated = try validate(
            """
            {"name": "w", "plugins": {"blur": "../samples/plugins/GaussianBlur.imjoy.html", "count": "../samples/plugins/CellCounter.imjoy.html",
                                      "morph": "../samples/plugins/MorphologyTools.imjoy.html"},
             "inputs": {"images": {"values": [1, 2]}},
             "ops": [
               {"id": "load", "builtin": "read-tiff"},
               {"id": "blur", "plugin": "blur", "config": {"sigma": 3}},
               {"id": "mask", "builtin": "threshold"},
               {"id": "grow", "plugin": "morph", "op": "Dilate", "config": {"radius": 2}},
               {"id": "count", "plugin": "count", "data": {"mask": "$grow.mask"}, "after": ["blur"]}]}
            """)
        #expect(validated.ops.map(\.id) == ["load", "blur", "mask", "grow", "count"])
        #expect(validated.ops[0].data == .input("images"))
        #expect(validated.ops[1].data == .result(op: "load", path: []))
        #expect(validated.ops[1].config == ["sigma": 3, "truncate": 4])
        #expect(validated.ops[1].isFunctional)
        #expect(!validated.ops[4].isFunctional)
        #expect(validated.ops[4].sourceOps == ["grow"])
        #expect(validated.ops[4].dependencies == ["grow", "blur"])
        #expect(validated.ops[3].config == ["radius": 2])
        #expect(validated.plugins.keys.elementsEqual(["blur", "count", "morph"]))
        #expect(validated.consumedOps == ["load", "blur", "mask", "grow"])
    }

    @Test func ordersOpsByDependencyNotFileOrder() throws {
        let validated = try validate(
            """
            {"name": "w", "ops": [
              {"id": "b", "builtin": "stats", "data": "$a"},
              {"id": "a", "builtin": "gaussian", "data": [1]}]}
            """)
        #expect(validated.ops.map(\.id) == ["a", "b"])
    }

    @Test func reportsTheCycle() {
        let errors = validationErrors(
            """
            {"name": "w", "ops": [
              {"id": "a", "builtin": "gaussian", "data": "$c"},
              {"id": "b", "builtin": "gaussian", "data": "$a"},
              {"id": "c", "builtin": "gaussian", "data": "$b"},
              {"id": "d", "builtin": "stats", "data": "$c"}]}
            """)
        #expect(errors.count == 1)
        let message = errors.first?.description ?? ""
        #expect(message.contains("cycle"))
        #expect(["a → b → c → a", "b → c → a → b", "c → a → b → c"].contains { message.contains($0) }, "\(message)")
    }

    @Test func collectsEveryErrorWithOpAndPath() {
        let errors = validationErrors(
            """
            {"name": "w", "plugins": {"blur": "../samples/plugins/GaussianBlur.imjoy.html", "gone": "../samples/plugins/Missing.imjoy.html"},
             "inputs": {"images": ["x"]},
             "ops": [
               {"id": "a", "builtin": "gaussian", "config": {"sigma": 2000, "mode": "sideways", "colour": 1}},
               {"id": "b", "builtin": "blurry"},
               {"id": "c", "plugin": "nope"},
               {"id": "d", "plugin": "blur", "config": {"sigma": "big"}, "data": "$inputs.pictures"},
               {"id": "e", "builtin": "stats", "data": "$zz", "after": "yy"},
               {"id": "a", "builtin": "stats"}]}
            """)
        let texts = errors.map(\.description)
        func has(_ op: String?, _ path: String, _ fragment: String) -> Bool {
            errors.contains { $0.op == op && $0.path == path && $0.message.contains(fragment) }
        }
        #expect(has(nil, "plugins.gone", "Missing.imjoy.html"), "\(texts)")
        #expect(has("a", "ops[0].config.sigma", "above the maximum 1000"), "\(texts)")
        #expect(has("a", "ops[0].config.mode", "not one of"), "\(texts)")
        #expect(has("a", "ops[0].config.colour", "unknown config key"), "\(texts)")
        #expect(has("b", "ops[1].builtin", "no built-in op 'blurry'"), "\(texts)")
        #expect(has("c", "ops[2].plugin", "no plugin alias 'nope'"), "\(texts)")
        #expect(has("d", "ops[3].config.sigma", "expected a number"), "\(texts)")
        #expect(has("d", "ops[3].data", "$inputs.pictures"), "\(texts)")
        #expect(has("e", "ops[4].data", "$zz names no op"), "\(texts)")
        #expect(has("e", "ops[4].after", "'yy' names no op"), "\(texts)")
        #expect(has("a", "ops[5].id", "duplicate op id"), "\(texts)")
        #expect(errors.allSatisfy { $0.description.hasSuffix("") && $0.file.hasSuffix("workflows/w.json") })
    }

    @Test func unknownRegisteredOpIsAWarningNotAnError() throws {
        let validated = try validate(
            """
            {"name": "w", "plugins": {"m": "../samples/plugins/MorphologyTools.imjoy.html"},
             "ops": [{"id": "x", "plugin": "m", "op": "Skeletonize", "config": {"anything": 1}}]}
            """)
        #expect(validated.warnings.contains { $0.contains("Skeletonize") })
        #expect(validated.ops[0].config == ["anything": 1])
    }

    @Test func firstOpWithManyInputsReceivesAnObjectOfThem() throws {
        let validated = try validate(
            """
            {"name": "w", "inputs": {"a": [1], "b": [2]}, "ops": [{"id": "s", "builtin": "stats"}]}
            """)
        #expect(validated.ops[0].data.referencedInputs == ["a", "b"])
    }
}

/// `validate` refuses what `run` refuses (issue #19): a user-interface plugin cannot run headless.
@Suite struct HeadlessValidationTests {
    @Test func windowPluginsAreRefusedWithRunsMessage() {
        let errors = validationErrors(
            """
            {"name": "w", "plugins": {"win": "../Tests/Fixtures/plugins/functional/Window.imjoy.html"},
             "ops": [{"id": "show", "plugin": "win"}]}
            """)
        #expect(
            errors.map(\.description) == [
                Fixtures.packageRoot.appendingPathComponent("workflows/w.json").path
                    + ": op 'show' (ops[0].plugin): plugin Window is a window plugin: window plugins show a user interface and cannot run in a batch run; call a web-worker or Python plugin (or a built-in op) for the computation"
            ])
    }
}

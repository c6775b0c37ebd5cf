import ArgumentParser
import ImJoySchema
import ImJoyWorkflow

/// `imjoy-run ops`: the built-in ops with their parameters and schemas.
struct OpsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ops",
        abstract: "List the built-in ops: their config parameters and data schemas."
    )

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "Print the parameter table of docs/builtin-ops.md.")
    var markdown = false

    func run() {
        if markdown {
            print(BuiltinOps.markdownTable)
            return
        }
        if json {
            let list: [JSONValue] = BuiltinOps.all.map { op in
                [
                    "name": .string(op.name), "summary": .string(op.summary),
                    "parameters": .array(op.parameters.map(\.jsonValue)),
                    "inputs": op.inputs ?? .null, "outputs": op.outputs ?? .null, "functional": .bool(op.isFunctional),
                ]
            }
            print(JSONValue.array(list).serialized(.prettyPrinted))
            return
        }
        for op in BuiltinOps.all {
            print("\(op.name): \(op.summary)")
            for parameter in op.parameters {
                var line = "    \(parameter.id): \(parameter.type)"
                if let value = parameter.defaultValue { line += " = \(value.serialized())" }
                if !parameter.options.isEmpty { line += "  \(JSONValue.array(parameter.options).serialized())" }
                print(line)
            }
            if let inputs = op.inputs { print("    data: \(inputs.serialized())") }
        }
    }
}

import ArgumentParser
import ImJoyPlugin
import ImJoyWorkflow

/// Options shared by the commands that take a workflow file.
struct WorkflowOptions: ParsableArguments {
    @Argument(help: "The workflow file (JSON or YAML; ImJoy's saved workflows too).")
    var workflow: String

    @Option(name: .customLong("plugins"), help: "A plugin directory to search (repeatable); IMJOY_PLUGIN_PATH adds more.")
    var pluginDirectories: [String] = []

    @Option(name: .customLong("var"), help: "Override a workflow variable: NAME=VALUE (VALUE as JSON when it parses).")
    var variables: [String] = []

    /// The `--var` pairs.
    func variableOverrides() throws -> [(String, String)] {
        try variables.map { text in
            guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
                throw ValidationError("--var takes NAME=VALUE, not '\(text)'")
            }
            return (String(text[..<equals]), String(text[text.index(after: equals)...]))
        }
    }

    /// Loads and validates the workflow; on failure prints every error and exits 2.
    func validatedWorkflow() throws -> ValidatedWorkflow {
        let resolver = PluginResolver(directories: pluginDirectories)
        do {
            let workflow = try WorkflowLoader.load(contentsOf: self.workflow)
            return try WorkflowValidator(resolver: resolver).validate(workflow)
        } catch let error as WorkflowErrors {
            for item in error.errors { printError(item.description) }
            throw ExitCode.invalidInput
        } catch {
            printError("\(error)")
            throw ExitCode.invalidInput
        }
    }

    /// Validates and plans the workflow; on failure prints the errors and exits 2.
    func plan() throws -> WorkflowPlan {
        let validated = try validatedWorkflow()
        return try withInputErrors { try WorkflowPlan(validated, variableOverrides: try variableOverrides()) }
    }
}

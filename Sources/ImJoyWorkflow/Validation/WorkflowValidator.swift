import ImJoyPlugin
import ImJoySchema
import OrderedCollections

/// Checks a workflow before anything runs: plugins resolve and parse, ops exist, configs
/// type-check against the ops' `ui` parameters, data references resolve, and the ops form no
/// cycle. All problems are collected, each naming the file, the op and the JSON path.
public struct WorkflowValidator: Sendable {
    public var resolver: PluginResolver

    public init(resolver: PluginResolver) {
        self.resolver = resolver
    }

    /// Validates `workflow`.
    /// - Throws: ``WorkflowErrors`` with every problem found.
    public func validate(_ workflow: Workflow) throws(WorkflowErrors) -> ValidatedWorkflow {
        var errors: [WorkflowError] = []
        var warnings: [String] = []
        func fail(_ op: OpSpec?, _ path: String, _ message: String) {
            errors.append(WorkflowError(file: workflow.file, op: op?.id, path: path, message: message))
        }

        let plugins = loadPlugins(workflow, fail: fail, warnings: &warnings)
        let (dependencies, dependencyErrors) = loadDependencies(of: plugins, workflow: workflow)
        errors += dependencyErrors
        let opIDs = checkOpIDs(workflow, fail: fail)
        let planned = planOps(workflow, plugins: plugins, opIDs: opIDs, fail: fail, warnings: &warnings)
        // Output templates that would fail every item (OutputTemplate in Ops/).
        for (op, path, message) in OutputTemplate.problems(in: workflow) { fail(op, path, message) }
        errors += headlessRefusals(workflow, plugins: plugins)
        guard errors.isEmpty else { throw WorkflowErrors(errors) }
        return try ordered(planned, workflow: workflow, plugins: plugins, dependencies: dependencies, warnings: warnings)
    }
}

extension OpSpec {
    /// The plugin alias of a plugin op.
    func pluginAlias(in workflow: Workflow) -> String? {
        if case .plugin(let alias, _) = target { return alias }
        return nil
    }
}

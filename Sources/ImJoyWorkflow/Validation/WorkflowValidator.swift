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

        // Plugins.
        var plugins = OrderedDictionary<String, Plugin>()
        for (alias, source) in workflow.plugins {
            do {
                switch source {
                case .reference(let text):
                    plugins[alias] = try resolver.load(text, relativeTo: workflow.baseDirectory)
                case .name(let name):
                    plugins[alias] = try Plugin(contentsOf: try resolver.find(named: name).path)
                }
                warnings += plugins[alias]!.warnings.map { "plugin '\(alias)': \($0)" }
            } catch {
                fail(nil, "plugins.\(alias)", error.description)
            }
        }

        // Dependencies, and plugins no batch run can host.
        let (dependencies, dependencyErrors) = loadDependencies(of: plugins, workflow: workflow)
        errors += dependencyErrors + headlessProblems(plugins: plugins, workflow: workflow)

        // Op ids.
        var seen = Set<String>()
        for op in workflow.ops where !seen.insert(op.id).inserted {
            fail(op, "\(op.jsonPath).id", "duplicate op id '\(op.id)'")
        }
        if workflow.ops.contains(where: { $0.id == "inputs" }) {
            fail(nil, "ops", "'inputs' is reserved for $inputs references; rename that op")
        }

        // Each op: target, config, data references.
        var planned: [PlannedOp] = []
        for (index, op) in workflow.ops.enumerated() {
            guard let description = describe(op, plugins: plugins, workflow: workflow, fail: fail, warnings: &warnings) else { continue }
            for (key, message) in description.configProblems(op.config) {
                fail(op, "\(op.jsonPath).config.\(key)", message)
            }
            for (path, message) in Self.callProblems(op, workflow: workflow, plugin: op.pluginAlias(in: workflow).flatMap { plugins[$0] }) {
                fail(op, path, message)
            }
            let schemaPath = op.pluginAlias(in: workflow).map { "plugins.\($0)" } ?? op.jsonPath
            do { _ = try description.compiledInputs() } catch {
                fail(op, schemaPath, "the inputs schema of \(description.name) does not compile: \(error)")
            }
            do { _ = try description.compiledOutputs() } catch {
                fail(op, schemaPath, "the outputs schema of \(description.name) does not compile: \(error)")
            }
            let data = op.data ?? implicitData(index: index, workflow: workflow)
            let dataPath = op.data == nil ? op.jsonPath : "\(op.jsonPath).data"
            for name in data.referencedInputs where workflow.inputs[name] == nil {
                fail(op, dataPath, "$inputs.\(name) is not among the inputs (\(workflow.inputs.keys.joined(separator: ", ")))")
            }
            let sources = data.referencedOps
            for source in sources where !seen.contains(source) {
                fail(op, dataPath, "$\(source) names no op")
            }
            if sources.contains(op.id) { fail(op, dataPath, "an op cannot use its own result") }
            for other in op.after where !seen.contains(other) {
                fail(op, "\(op.jsonPath).after", "'\(other)' names no op")
            }
            var dependencies = sources
            for other in op.after where !dependencies.contains(other) { dependencies.append(other) }
            let alias: String? = if case .plugin(let alias, _) = op.target { alias } else { nil }
            planned.append(PlannedOp(
                spec: op, description: description, config: description.mergedConfig(op.config), data: data,
                sourceOps: sources, dependencies: dependencies, pluginAlias: alias))
        }
        // Output templates that would fail every item (OutputTemplate in Ops/).
        for (op, path, message) in OutputTemplate.problems(in: workflow) { fail(op, path, message) }
        errors += headlessRefusals(workflow, plugins: plugins)
        guard errors.isEmpty else { throw WorkflowErrors(errors) }

        // Order, or the cycle.
        switch DependencyOrder.sort(planned.map { ($0.id, $0.dependencies) }) {
        case .success(let order):
            var byID = Dictionary(uniqueKeysWithValues: planned.map { ($0.id, $0) })
            Self.nameSources(&byID)
            return ValidatedWorkflow(
                workflow: workflow, plugins: plugins, ops: order.map { byID[$0]! }, warnings: warnings, dependencies: dependencies)
        case .failure(let cycle):
            let first = workflow.op(cycle.ids[0])
            throw WorkflowErrors([WorkflowError(
                file: workflow.file, op: first?.id, path: first.map { "\($0.jsonPath).data" },
                message: "the ops form a cycle: \(cycle.ids.joined(separator: " → ")) → \(cycle.ids[0])")])
        }
    }

    /// The description of what `op` runs, or `nil` after reporting why there is none.
    private func describe(
        _ op: OpSpec, plugins: OrderedDictionary<String, Plugin>, workflow: Workflow,
        fail: (OpSpec?, String, String) -> Void, warnings: inout [String]
    ) -> OpDescription? {
        switch op.target {
        case .builtin(let name):
            guard let description = BuiltinOps.description(name) else {
                fail(op, "\(op.jsonPath).builtin", "no built-in op '\(name)' (have: \(BuiltinOps.names.joined(separator: ", ")))")
                return nil
            }
            return description
        case .plugin(let alias, let opName):
            guard workflow.plugins[alias] != nil else {
                fail(op, "\(op.jsonPath).plugin", "no plugin alias '\(alias)' in 'plugins' (have: \(workflow.plugins.keys.joined(separator: ", ")))")
                return nil
            }
            guard let plugin = plugins[alias] else { return nil }  // its load error is already reported
            guard let opName, opName != plugin.config.name else { return OpDescription(plugin: plugin) }
            let unknown = OpDescription(
                name: "\(plugin.config.name)/\(opName)", summary: "", parameters: [], inputs: nil, outputs: nil,
                isFunctional: plugin.config.flags.isFunctional, parametersAreKnown: false)
            do {
                if let description = try OpDescription(plugin: plugin, registeredOp: opName) { return description }
            } catch {
                fail(op, "\(op.jsonPath).op", error.description)
                return unknown
            }
            let known = [plugin.config.name] + plugin.registeredOps.map(\.name)
            warnings.append("\(workflow.file): op '\(op.id)' (\(op.jsonPath).op): '\(opName)' is not registered in the source of \(plugin.config.name) (found: \(known.joined(separator: ", "))); it is checked when the plugin starts")
            return unknown
        }
    }

    /// An op without `data` takes the previous op's result (ImJoy's linear chain); the first op
    /// takes the item: its single input's value, or an object of all inputs.
    private func implicitData(index: Int, workflow: Workflow) -> DataExpression {
        if index > 0 { return .result(op: workflow.ops[index - 1].id, path: []) }
        if workflow.inputs.count == 1 { return .input(workflow.inputs.keys[0]) }
        if workflow.inputs.isEmpty { return .literal(.null) }
        var members = OrderedDictionary<String, DataExpression>()
        for name in workflow.inputs.keys { members[name] = .input(name) }
        return .object(members)
    }
}

extension OpSpec {
    /// The plugin alias of a plugin op.
    func pluginAlias(in workflow: Workflow) -> String? {
        if case .plugin(let alias, _) = target { return alias }
        return nil
    }
}

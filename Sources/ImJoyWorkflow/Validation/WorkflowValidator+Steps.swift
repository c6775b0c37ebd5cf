import ImJoyPlugin
import ImJoySchema
import OrderedCollections

/// The steps of ``WorkflowValidator/validate(_:)``, in order. Each reports its problems through
/// `fail` (op, JSON path, message) and goes on, so that one run lists them all.
extension WorkflowValidator {
    /// A problem found while validating: the op (if any), the JSON path and the message.
    typealias Fail = (_ op: OpSpec?, _ path: String, _ message: String) -> Void

    /// The workflow's plugins, resolved and parsed, by alias; one that fails is reported and left out.
    func loadPlugins(_ workflow: Workflow, fail: Fail, warnings: inout [String]) -> OrderedDictionary<String, Plugin> {
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
        return plugins
    }

    /// The op ids, after reporting those written twice and the reserved `inputs`.
    func checkOpIDs(_ workflow: Workflow, fail: Fail) -> Set<String> {
        var seen = Set<String>()
        for op in workflow.ops where !seen.insert(op.id).inserted {
            fail(op, "\(op.jsonPath).id", "duplicate op id '\(op.id)'")
        }
        if workflow.ops.contains(where: { $0.id == "inputs" }) {
            fail(nil, "ops", "'inputs' is reserved for $inputs references; rename that op")
        }
        return seen
    }

    /// Each op checked (target, config, calls, schemas, data references) and planned; an op
    /// whose target does not resolve is reported and left out.
    func planOps(
        _ workflow: Workflow, plugins: OrderedDictionary<String, Plugin>, opIDs: Set<String>,
        fail: Fail, warnings: inout [String]
    ) -> [PlannedOp] {
        var planned: [PlannedOp] = []
        for (index, op) in workflow.ops.enumerated() {
            guard let description = describe(op, plugins: plugins, workflow: workflow, fail: fail, warnings: &warnings) else { continue }
            checkTarget(op, description: description, workflow: workflow, plugins: plugins, fail: fail)
            let data = op.data ?? implicitData(index: index, workflow: workflow)
            let sources = checkData(data, of: op, workflow: workflow, opIDs: opIDs, fail: fail)
            let callSources = op.callSourceOps.filter { opIDs.contains($0) && $0 != op.id }
            var dependencies = sources
            for other in callSources + op.after where !dependencies.contains(other) { dependencies.append(other) }
            let alias: String? = if case .plugin(let alias, _) = op.target { alias } else { nil }
            planned.append(
                PlannedOp(
                    spec: op, description: description, config: description.mergedConfig(op.config), data: data,
                    sourceOps: sources, dependencies: dependencies, pluginAlias: alias, callSourceOps: callSources))
        }
        return planned
    }

    /// Reports what `op` asks of what it runs: its config against the parameters, its calls, and
    /// schemas that do not compile.
    private func checkTarget(
        _ op: OpSpec, description: OpDescription, workflow: Workflow, plugins: OrderedDictionary<String, Plugin>, fail: Fail
    ) {
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
    }

    /// The ops whose results `data` uses, after reporting references to unknown inputs or ops,
    /// to `op` itself, and unknown ops in `after`.
    private func checkData(_ data: DataExpression, of op: OpSpec, workflow: Workflow, opIDs: Set<String>, fail: Fail) -> [String] {
        let dataPath = op.data == nil ? op.jsonPath : "\(op.jsonPath).data"
        for name in data.referencedInputs where workflow.inputs[name] == nil {
            fail(op, dataPath, "$inputs.\(name) is not among the inputs (\(workflow.inputs.keys.joined(separator: ", ")))")
        }
        let sources = data.referencedOps
        for source in sources where !opIDs.contains(source) {
            fail(op, dataPath, "$\(source) names no op")
        }
        if sources.contains(op.id) { fail(op, dataPath, "an op cannot use its own result") }
        for other in op.after where !opIDs.contains(other) {
            fail(op, "\(op.jsonPath).after", "'\(other)' names no op")
        }
        return sources
    }

    /// The validated workflow with its ops in dependency order, or the cycle they form.
    func ordered(
        _ planned: [PlannedOp], workflow: Workflow, plugins: OrderedDictionary<String, Plugin>,
        dependencies: OrderedDictionary<String, Plugin>, warnings: [String]
    ) throws(WorkflowErrors) -> ValidatedWorkflow {
        switch DependencyOrder.sort(planned.map { ($0.id, $0.dependencies) }) {
        case .success(let order):
            var byID = Dictionary(uniqueKeysWithValues: planned.map { ($0.id, $0) })
            Self.nameSources(&byID)
            return ValidatedWorkflow(
                workflow: workflow, plugins: plugins, ops: order.map { byID[$0]! }, warnings: warnings, dependencies: dependencies)
        case .failure(let cycle):
            let first = workflow.op(cycle.ids[0])
            throw WorkflowErrors([
                WorkflowError(
                    file: workflow.file, op: first?.id, path: first.map { "\($0.jsonPath).data" },
                    message: "the ops form a cycle: \(cycle.ids.joined(separator: " → ")) → \(cycle.ids[0])")
            ])
        }
    }

    /// The description of what `op` runs, or `nil` after reporting why there is none.
    private func describe(
        _ op: OpSpec, plugins: OrderedDictionary<String, Plugin>, workflow: Workflow,
        fail: Fail, warnings: inout [String]
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
                fail(
                    op, "\(op.jsonPath).plugin",
                    "no plugin alias '\(alias)' in 'plugins' (have: \(workflow.plugins.keys.joined(separator: ", ")))")
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
            warnings.append(
                "\(workflow.file): op '\(op.id)' (\(op.jsonPath).op): '\(opName)' is not registered in the source of \(plugin.config.name) (found: \(known.joined(separator: ", "))); it is checked when the plugin starts"
            )
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

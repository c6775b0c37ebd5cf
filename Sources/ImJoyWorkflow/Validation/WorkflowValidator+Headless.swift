import ImJoyPlugin
import OrderedCollections

extension WorkflowValidator {
    /// One error for each op that calls a user-interface plugin (window, iframe, …) or a plugin
    /// of a type no batch host runs (rpc-worker, jupyter-notebook, …): `run` refuses it, and
    /// `validate` refuses it with the same line (`FILE: op 'show': plugin Viewer is a window plugin: …`).
    func headlessRefusals(_ workflow: Workflow, plugins: OrderedDictionary<String, Plugin>) -> [WorkflowError] {
        workflow.ops.compactMap { op in
            guard case .plugin(let alias, _) = op.target, let plugin = plugins[alias],
                let refusal = plugin.config.type.batchRefusal(plugin: plugin.config.name)
            else { return nil }
            return WorkflowError(file: workflow.file, op: op.id, path: "\(op.jsonPath).plugin", message: refusal)
        }
    }
}

import ImJoyPlugin
import OrderedCollections

extension WorkflowValidator {
    /// One error for each op that calls a user-interface plugin (window, iframe, …): such a
    /// plugin cannot run headless, and `run` refuses it; `validate` refuses it with the same line
    /// (`FILE: op 'show': plugin Viewer is a window plugin: …`).
    func headlessRefusals(_ workflow: Workflow, plugins: OrderedDictionary<String, Plugin>) -> [WorkflowError] {
        workflow.ops.compactMap { op in
            guard case .plugin(let alias, _) = op.target, let plugin = plugins[alias], plugin.config.type.showsUserInterface else {
                return nil
            }
            return WorkflowError(
                file: workflow.file, op: op.id, path: "\(op.jsonPath).plugin",
                message: plugin.config.type.headlessRefusal(plugin: plugin.config.name))
        }
    }
}

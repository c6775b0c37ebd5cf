import Foundation
import ImJoySchema
import ImJoyWorkflow

extension RunManifest {
    /// `manifest` with its `environment` field: what the plugins ran on, per plugin alias —
    /// the plugin's name and version and its runtime (``RuntimeIdentity``: runtime, the
    /// interpreter's real path and version, the SHA-256 and count of the installed Python
    /// distributions, the SHA-256 of the host program), the same identity the cache keys and
    /// the provenance's `lineage[].runtime` use. Plugins whose runtime cannot be told (no plugin
    /// hosts in the run) are listed without `runtime`. Built-in ops run in the runner itself:
    /// `runner` names it. A sharded run's gathered manifest keeps the first shard's field.
    public static func withEnvironment(_ manifest: JSONObject, plan: WorkflowPlan, provenance: ProvenanceBuilder) -> JSONObject {
        var document = manifest
        document["environment"] = environment(plan: plan, provenance: provenance)
        return document
    }

    /// The `environment` field (see ``withEnvironment(_:plan:provenance:)``).
    public static func environment(plan: WorkflowPlan, provenance: ProvenanceBuilder) -> JSONValue {
        var plugins = JSONObject()
        let lookup = provenance.runtimeIdentity
        for (alias, plugin) in plan.validated.plugins.sorted(by: { $0.key < $1.key }) {
            var entry: JSONObject = ["name": .string(plugin.config.name)]
            if let version = plugin.config.version { entry["version"] = .string(version) }
            if let runtime = lookup?(alias) { entry["runtime"] = runtime.jsonValue }
            plugins[alias] = .object(entry)
        }
        return [
            "runner": ["name": .string(RunnerInfo.name), "version": .string(RunnerInfo.version)],
            "plugins": .object(plugins),
        ]
    }
}

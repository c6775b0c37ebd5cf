import Foundation
import ImJoyPlugin
import ImJoySchema
import ImJoyWorkflow

/// The `@graph` of a run's Workflow Run RO-Crate (``ROCrateExport``), from its `manifest.json`
/// and its validated workflow: the metadata descriptor, the root dataset (conformsTo the three
/// profiles, mainEntity the workflow), the workflow as a `ComputationalWorkflow` with its
/// inputs, parameters and outputs as `FormalParameter`s, the plugins with their SHA-256 and
/// runtimes, the `CreateAction` of the run (instrument, object, result, start and end time),
/// input and output files and `PropertyValue`s. Entities are kept in `@id` order.
struct ROCrateGraph {
    let manifest: JSONObject
    let validated: ValidatedWorkflow
    let license: String
    var entities: [String: JSONObject] = [:]
    var inputs: [String] = [], outputs: [String] = [], objects: [String] = [], results: [String] = []

    init(manifest: JSONObject, validated: ValidatedWorkflow, license: String) {
        self.manifest = manifest
        self.validated = validated
        self.license = license
    }

    static func ref(_ id: String) -> JSONValue { ["@id": .string(id)] }
    /// One reference alone, several as an array (RO-Crate 1.1: no singleton arrays).
    static func refs(_ ids: [String]) -> JSONValue { ids.count == 1 ? ref(ids[0]) : .array(ids.map(ref)) }

    mutating func add(_ id: String, _ types: [String], _ properties: JSONObject = [:]) {
        var entity: JSONObject = ["@id": .string(id), "@type": types.count == 1 ? .string(types[0]) : .array(types.map(JSONValue.string))]
        for (key, value) in properties { entity[key] = value }
        entities[id] = entity
    }

    /// The crate's JSON-LD document.
    var document: JSONObject {
        [
            "@context": "https://w3id.org/ro/crate/1.1/context",
            "@graph": .array(entities.keys.sorted().map { .object(entities[$0]!) }),
        ]
    }

    mutating func build(workflowID: String, pluginIDs: [String: String]) {
        let runner = "#imjoy-run"
        add(runner, ["SoftwareApplication"], ["name": .string(RunnerInfo.name), "version": .string(RunnerInfo.version)])
        addPlugins(pluginIDs)
        addInputs()
        addParameters()
        addOutputs()
        addWorkflow(workflowID, pluginIDs: pluginIDs, runner: runner)
        addAction(workflowID)
        addRoot(workflowID, pluginIDs: pluginIDs)
    }

    private mutating func addRoot(_ workflowID: String, pluginIDs: [String: String]) {
        add("ro-crate-metadata.json", ["CreativeWork"], ["conformsTo": Self.ref("https://w3id.org/ro/crate/1.1"), "about": Self.ref("./")])
        for profile in ROCrateExport.profiles {
            add(profile.id, ["CreativeWork"], ["name": .string(profile.name), "version": .string(profile.version)])
        }
        let name = validated.workflow.name
        var parts = [workflowID] + pluginIDs.values.sorted() + results + objects.filter { $0.hasPrefix("file:") }
        if entities["manifest.json"] == nil {
            add("manifest.json", ["File"], ["name": "imjoy-run manifest", "encodingFormat": "application/json"])
        }
        parts.append("manifest.json")
        add(
            "./", ["Dataset"],
            [
                "name": .string("Run of \(name)"),
                "description": .string(
                    "A run of the imjoy-run workflow \(name)\(validated.workflow.version.map { " \($0)" } ?? ""): the workflow, its plugins, inputs, parameters, outputs and environment."
                ),
                "datePublished": .string(Self.date(finished)),
                "license": license.hasPrefix("http") ? Self.ref(license) : .string(license),
                "conformsTo": Self.refs(ROCrateExport.profiles.map(\.id)),
                "mainEntity": Self.ref(workflowID),
                "hasPart": Self.refs(Array(Set(parts)).sorted()),
                "mentions": Self.ref("#run"),
            ])
    }

    private mutating func addWorkflow(_ id: String, pluginIDs: [String: String], runner: String) {
        let language = "#imjoy-run-workflow"
        add(
            language, ["ComputerLanguage"],
            [
                "name": "imjoy-run workflow", "alternateName": "imjoy-run", "version": .string(RunnerInfo.version),
                "url": Self.ref("https://github.com/imjoy-team/imjoy-run"),
            ])
        var properties: JSONObject = [
            "name": .string(validated.workflow.name), "programmingLanguage": Self.ref(language),
            "input": Self.refs(inputs), "output": Self.refs(outputs), "hasPart": Self.refs(pluginIDs.values.sorted()),
            "softwareRequirements": Self.ref(runner), "encodingFormat": "application/json",
        ]
        if let hash = manifest["workflow"]?["sha256"]?.stringValue { properties["sha256"] = .string(hash) }
        if let version = validated.workflow.version { properties["version"] = .string(version) }
        if let description = validated.workflow.description { properties["description"] = .string(description) }
        add(id, ["File", "SoftwareSourceCode", "ComputationalWorkflow"], properties)
    }

    private mutating func addPlugins(_ pluginIDs: [String: String]) {
        let environment = manifest["environment"]?["plugins"]?.objectValue ?? [:]
        for (alias, plugin) in validated.plugins {
            guard let id = pluginIDs[alias] else { continue }
            var properties: JSONObject = [
                "name": .string(plugin.config.name), "alternateName": .string(alias), "encodingFormat": "text/html",
                "programmingLanguage": .string("\(plugin.config.type)"),
            ]
            if let version = plugin.config.version { properties["version"] = .string(version) }
            if let hash = try? SHA256.file(plugin.file).sha256 { properties["sha256"] = .string(hash) }
            if let runtime = environment[alias]?["runtime"]?.objectValue {
                let runtimeID = "#runtime-\(alias)"
                let interpreter = runtime["interpreter"]?.stringValue ?? "?"
                var description = "interpreter \(interpreter); host program sha256 \(runtime["host_sha256"]?.stringValue ?? "?")"
                if let packages = runtime["packages_sha256"]?.stringValue {
                    description += "; installed distributions sha256 \(packages) (\(runtime["packages"]?.intValue ?? 0) distributions)"
                }
                add(
                    runtimeID, ["SoftwareApplication"],
                    [
                        "name": .string("\(runtime["runtime"]?.stringValue ?? "runtime") \(runtime["version"]?.stringValue ?? "")"),
                        "version": runtime["version"] ?? .null, "description": .string(description),
                        "url": .string(URL(fileURLWithPath: interpreter).absoluteString),
                    ])
                properties["softwareRequirements"] = Self.ref(runtimeID)
            }
            add(id, ["File", "SoftwareSourceCode"], properties)
        }
    }

    var started: Double { manifest["timestamps"]?["started"]?.doubleValue ?? 0 }
    var finished: Double { manifest["timestamps"]?["finished"]?.doubleValue ?? started }

    private mutating func addAction(_ workflowID: String) {
        add(
            "#run", ["CreateAction"],
            [
                "name": .string("imjoy-run run \(validated.workflow.name)"), "instrument": Self.ref(workflowID),
                "object": Self.refs(objects), "result": Self.refs(results),
                "startTime": .string(Self.date(started)), "endTime": .string(Self.date(finished)),
                "actionStatus": Self.ref("http://schema.org/CompletedActionStatus"),
            ])
    }

    static func date(_ seconds: Double) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: seconds))
    }
}

import Foundation
import ImJoyPlugin
import TestSupport
import Testing

@testable import ImJoyWorkflow

/// Validation loads a plugin's dependencies (and fails naming one that cannot be loaded).
@Suite struct DependencyValidationTests {
    static let examples = Fixtures.url("real-plugins/imjoy-demo-plugins/examples")

    func workflow(_ plugin: String) -> Workflow {
        Workflow(
            file: "w.json", baseDirectory: "/", name: "d", plugins: ["p": .reference(plugin)],
            ops: [OpSpec(id: "go", target: .plugin(alias: "p", op: nil), index: 0)])
    }

    @Test func dependenciesAreLoaded() throws {
        let validated = try WorkflowValidator(resolver: PluginResolver(environment: [:]))
            .validate(workflow(Self.examples.appendingPathComponent("Calculator.imjoy.html").path))
        #expect(validated.dependencies.keys.elementsEqual(["GetNumber"]))
    }

    @Test func unresolvedDependencyFailsNamingIt() throws {
        let directory = try Fixtures.temporaryDirectory("imjoy-run-dep-validation")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("A.imjoy.html").path
        try """
        <config lang="json">{"name": "A", "type": "web-worker", "api_version": "0.1.8", "dependencies": ["someone/repo:Nope"]}</config>
        <script>api.export({run() {}})</script>
        """.write(toFile: file, atomically: true, encoding: .utf8)
        #expect {
            _ = try WorkflowValidator(resolver: PluginResolver(environment: [:])).validate(workflow(file))
        } throws: { error in
            "\(error)".hasPrefix("w.json: plugins.p: dependency 'someone/repo:Nope' of plugin A cannot be loaded")
        }
    }
}

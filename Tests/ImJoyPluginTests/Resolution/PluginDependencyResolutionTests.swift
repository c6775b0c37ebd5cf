import Foundation
import TestSupport
import Testing

@testable import ImJoyPlugin

/// Dependencies resolve offline beside the plugin (relative files, the repository manifest
/// above it, case-insensitively) and manifests with Windows separators resolve.
@Suite struct PluginDependencyResolutionTests {
    static let demos = Fixtures.url("real-plugins/imjoy-demo-plugins")

    @Test func repositoryDependencyResolvesThroughTheManifestAboveThePlugin() throws {
        let plugin = try Plugin(contentsOf: Self.demos.appendingPathComponent("examples/call.imjoy.html").path)
        let resolved = PluginResolver(environment: [:]).resolveDependencies(of: plugin)
        #expect(resolved.count == 1)
        let source = try resolved[0].1.get()
        #expect(source.path.hasSuffix("examples/alert.imjoy.html"), "oeway/ImJoy-Demo-Plugins is the folder imjoy-demo-plugins")
    }

    @Test func unresolvedDependencyIsReportedNotThrown() throws {
        let directory = try Fixtures.temporaryDirectory("imjoy-run-deps")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("A.imjoy.html").path
        try """
        <config lang="json">{"name": "A", "type": "web-worker", "api_version": "0.1.8", "dependencies": ["B.imjoy.html", "someone/repo:Nope"]}</config>
        <script>api.export({run() {}})</script>
        """.write(toFile: file, atomically: true, encoding: .utf8)
        try """
        <config lang="json">{"name": "B", "type": "web-worker", "api_version": "0.1.8"}</config>
        <script>api.export({run() {}})</script>
        """.write(to: directory.appendingPathComponent("B.imjoy.html"), atomically: true, encoding: .utf8)
        let resolved = PluginResolver(environment: [:]).resolveDependencies(of: try Plugin(contentsOf: file))
        #expect(try resolved[0].1.get().path == directory.appendingPathComponent("B.imjoy.html").path)
        #expect(throws: PluginError.self) { try resolved[1].1.get() }
    }

    @Test func manifestBackslashPathsResolve() throws {
        let directory = try Fixtures.temporaryDirectory("imjoy-run-manifest")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("imjoy-plugins"), withIntermediateDirectories: true)
        try #"{"name": "win", "plugins": [{"name": "X", "uri": "imjoy-plugins\\X.imjoy.html"}]}"#
            .write(to: directory.appendingPathComponent(PluginManifest.fileName), atomically: true, encoding: .utf8)
        let manifest = try PluginManifest(directory: directory.path)
        #expect(manifest.entry(named: "X")?.path == directory.appendingPathComponent("imjoy-plugins/X.imjoy.html").path)
    }
}

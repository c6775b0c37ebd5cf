import Foundation
import TestSupport
import Testing

@testable import ImJoyPlugin

@Suite struct PluginResolverTests {
    let samples = Fixtures.samples.appendingPathComponent("plugins").path

    @Test func resolvesPathWithTagSuffix() throws {
        let resolved = try PluginResolver(environment: [:]).resolve("\(samples)/Segment.imjoy.html@GPU")
        #expect(resolved.path.hasSuffix("Segment.imjoy.html"))
        #expect(resolved.tag == "GPU")
    }

    @Test func resolvesRelativePathsAgainstABase() throws {
        let resolved = try PluginResolver(environment: [:]).resolve("plugins/Normalize.imjoy.html", relativeTo: Fixtures.samples.path)
        #expect(resolved.path == "\(samples)/Normalize.imjoy.html")
    }

    @Test func resolvesDirectoryColonName() throws {
        let plugin = try PluginResolver(environment: [:]).load("\(samples):Histogram")
        #expect(plugin.config.type == .webWorker)
    }

    @Test func resolvesRepositoryReferencesFromSearchPathAndEnvironment() throws {
        let fromFlag = PluginResolver(directories: [Fixtures.samples.path], environment: [:])
        #expect(try fromFlag.load("someone/plugins:GaussianBlur").config.name == "GaussianBlur")
        let fromEnvironment = PluginResolver(environment: ["IMJOY_PLUGIN_PATH": "/nonexistent:\(samples)"])
        #expect(try fromEnvironment.resolve("x/imjoy-run-samples:Segment@CPU").tag == "CPU")
    }

    @Test func manifestResolvesURIsAndDropsDisabledPlugins() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("src"), withIntermediateDirectories: true)
        try """
        {"name": "repo", "uri_root": "src", "plugins": [
          {"name": "A", "uri": "a-file.imjoy.html"}, {"name": "B"}, {"name": "C", "disabled": true}]}
        """.write(to: directory.appendingPathComponent("manifest.imjoy.json"), atomically: true, encoding: .utf8)
        let manifest = try PluginManifest(directory: directory.path)
        #expect(manifest.plugins.map(\.name) == ["A", "B"])
        #expect(manifest.plugins[0].path == directory.appendingPathComponent("src/a-file.imjoy.html").path)
        #expect(manifest.plugins[1].path.hasSuffix("src/B.imjoy.html"))
    }

    @Test func findsPluginsByConfigName() throws {
        let resolver = PluginResolver(directories: [samples], environment: [:])
        #expect(try resolver.find(named: "CellCounter").path.hasSuffix("CellCounter.imjoy.html"))
        #expect(throws: PluginError.self) { try resolver.find(named: "Nope") }
    }

    @Test func unresolvableSourcesAreTypedErrors() {
        let resolver = PluginResolver(environment: [:])
        #expect(throws: PluginError.self) { try resolver.resolve("no/such:Plugin") }
        #expect(throws: PluginError.self) { try resolver.resolve("missing.imjoy.html") }
        #expect(throws: PluginError.self) { try resolver.resolve("https://example.org/X.imjoy.html") }
    }

    @Test func reportsDependencies() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("Dep.imjoy.html")
        try """
        <config lang="json">{"name": "Dep", "api_version": "0.1.8", "type": "web-worker",
         "dependencies": ["someone/plugins:Histogram", "someone/plugins:Missing"]}</config>
        """.write(to: file, atomically: true, encoding: .utf8)
        let resolver = PluginResolver(directories: [Fixtures.samples.path], environment: [:])
        let results = resolver.resolveDependencies(of: try Plugin(contentsOf: file.path))
        #expect(results.count == 2)
        #expect((try? results[0].1.get())?.path.hasSuffix("Histogram.imjoy.html") == true)
        #expect((try? results[1].1.get()) == nil)
    }
}

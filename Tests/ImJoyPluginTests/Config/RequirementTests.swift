import Testing

@testable import ImJoyPlugin

@Suite struct RequirementTests {
    @Test func classifiesPythonRequirementsLikeTheEngine() throws {
        #expect(try Requirement.python("numpy scipy") == .pip(["numpy", "scipy"]))
        #expect(try Requirement.python("pip: tifffile==2023.1.1") == .pip(["tifffile==2023.1.1"]))
        #expect(try Requirement.python("conda: cupy cudatoolkit") == .conda(["cupy", "cudatoolkit"]))
        #expect(
            try Requirement.python("repo: https://github.com/a/b extra") == .repository(url: "https://github.com/a/b", directory: "extra"))
        #expect(try Requirement.python("cmd: make install") == .command("make install"))
        #expect(try Requirement.python("git+https://github.com/a/b.git") == .pip(["git+https://github.com/a/b.git"]))
        #expect(try Requirement.python("https://example.org/pkg.whl") == .pip(["https://example.org/pkg.whl"]))
        #expect(throws: RequirementError.self) { try Requirement.python("apt: libfoo") }
    }

    @Test func classifiesWebRequirements() {
        #expect(Requirement.web("https://cdn.example/lib.js") == .script(url: "https://cdn.example/lib.js", kind: .javascript))
        #expect(Requirement.web("css:https://x/a") == .script(url: "https://x/a", kind: .stylesheet))
        #expect(Requirement.web("https://x/a.css") == .script(url: "https://x/a.css", kind: .stylesheet))
        #expect(Requirement.web("https://x/m.mjs") == .script(url: "https://x/m.mjs", kind: .module))
        #expect(Requirement.web("cache:https://x/model.bin") == .cached("https://x/model.bin"))
    }

    @Test func environmentEntriesParse() throws {
        let plugin = try Plugin(
            text: """
                <config lang="json">{"name": "E", "api_version": "0.1.8", "type": "native-python",
                  "env": ["conda create -n e python=3.11", {"type": "variable", "options": {"A": "1", "B": 2}}, {"type": "gputil", "options": {}}]}</config>
                """)
        #expect(plugin.config.environment.count == 3)
        #expect(plugin.config.environment[0] == .command("conda create -n e python=3.11"))
        #expect(plugin.config.environment[1] == .variables(["A": "1", "B": "2"]))
        guard case .other(let type, _) = plugin.config.environment[2] else {
            Issue.record("expected a typed entry")
            return
        }
        #expect(type == "gputil")
    }

    @Test func dependenciesParseBothForms() {
        #expect(
            PluginDependency("imjoy-team/imjoy-plugins:Image Window@stable").reference
                == .repository(repository: "imjoy-team/imjoy-plugins", name: "Image Window", tag: "stable"))
        #expect(
            PluginDependency("https://example.org/p/Foo.imjoy.html@v2").reference == .url("https://example.org/p/Foo.imjoy.html", tag: "v2")
        )
        #expect(PluginDependency("JustAName").reference == nil)
    }
}

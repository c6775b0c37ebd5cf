import ImJoySchema
import Testing

@testable import ImJoyPlugin

/// Builds a plugin file around a config block and scripts.
private func pluginText(config: String, lang: String? = "json", scripts: String = "<script lang=\"python\">pass</script>") -> String {
    let attribute = lang.map { " lang=\"\($0)\"" } ?? ""
    return "<config\(attribute)>\n\(config)\n</config>\n\(scripts)\n"
}

@Suite struct PluginConfigLoaderTests {
    @Test func appliesImJoyDefaults() throws {
        let plugin = try Plugin(
            text: pluginText(config: #"{"name": "A", "type": "web-worker", "api_version": "0.1.8"}"#, scripts: "<script>x</script>"))
        #expect(plugin.config.runnable)
        #expect(plugin.config.requirements.isEmpty)
        #expect(plugin.config.lang == "javascript")
        #expect(plugin.config.command == "python")
        #expect(plugin.config.tag == nil)
        #expect(plugin.config.fields["requirements"] == [])
    }

    @Test func runnableFalseIsKept() throws {
        let plugin = try Plugin(text: pluginText(config: #"{"name": "A", "api_version": "0.1.8", "type": "window", "runnable": false}"#))
        #expect(plugin.config.runnable == false)
    }

    @Test func langComesFromTheFirstScript() throws {
        let plugin = try Plugin(text: pluginText(config: #"{"name": "A", "api_version": "0.1.8", "type": "native-python"}"#))
        #expect(plugin.config.lang == "python")
    }

    @Test func yamlConfigIsParsedInOrder() throws {
        let plugin = try Plugin(
            text: pluginText(
                config: """
                    name: Y
                    type: native-python
                    api_version: "0.1.8"
                    version: 1.2.0
                    flags: [functional]
                    requirements:
                      - numpy
                      - "pip: scipy tifffile"
                    """, lang: "yaml"))
        #expect(plugin.config.name == "Y")
        #expect(plugin.config.version == "1.2.0")
        #expect(plugin.config.flags.isFunctional)
        #expect(plugin.config.requirements == [.pip(["numpy"]), .pip(["scipy", "tifffile"])])
        #expect(Array(plugin.config.fields.keys.prefix(4)) == ["name", "type", "api_version", "version"])
    }

    @Test func yamlNumericAPIVersionIsAnError() {
        #expect {
            try Plugin(text: pluginText(config: "name: Y\napi_version: 0.2\n", lang: "yaml"), file: "y.imjoy.html")
        } throws: { error in
            guard case .invalidField(let location, let reason)? = error as? PluginError else { return false }
            return location.field == "api_version" && location.line == 3 && reason.contains("api_version: \"0.2\"")
        }
    }

    @Test func yamlDottedVersionsAreStrings() throws {
        // `0.1.8` is not a YAML number, so it is a string, as in js-yaml.
        let plugin = try Plugin(text: pluginText(config: "name: Y\napi_version: 0.1.8\n", lang: "yaml"))
        #expect(plugin.config.apiVersion == "0.1.8")
    }

    @Test func missingLangIsAcceptedUpTo015AndRefusedAfter() throws {
        let old = try Plugin(text: pluginText(config: #"{"name": "Old", "api_version": "0.1.5", "mode": "pyworker"}"#, lang: nil))
        #expect(old.config.name == "Old")
        #expect(throws: PluginError.self) {
            try Plugin(text: pluginText(config: #"{"name": "New", "api_version": "0.1.6"}"#, lang: nil))
        }
    }

    @Test func requiresConfigNameAndStringAPIVersion() {
        #expect(throws: PluginError.self) { try Plugin(text: "<script>x</script>") }
        #expect(throws: PluginError.self) { try Plugin(text: pluginText(config: #"{"api_version": "0.1.8"}"#)) }
        #expect(throws: PluginError.self) { try Plugin(text: pluginText(config: #"{"name": "A"}"#)) }
        #expect(throws: PluginError.self) { try Plugin(text: pluginText(config: #"{"name": "A/B", "api_version": "0.1.8"}"#)) }
        #expect(throws: PluginError.self) { try Plugin(text: pluginText(config: #"{"name": "A", "api_version": 0.2}"#)) }
    }

    @Test func jsonSyntaxErrorsNameTheFileLine() {
        #expect {
            try Plugin(text: "<docs>x</docs>\n<config lang=\"json\">\n{\n  \"name\": \"A\",\n  oops\n}\n</config>", file: "p.imjoy.html")
        } throws: { error in
            guard case .invalidConfigSyntax(let location, _, _)? = error as? PluginError else { return false }
            return location.file == "p.imjoy.html" && location.line == 5
        }
    }

    @Test func usesTheFirstConfigBlock() throws {
        let text =
            pluginText(config: #"{"name": "First", "api_version": "0.1.8"}"#) + "<config lang=\"json\">{\"name\": \"Second\"}</config>"
        #expect(try Plugin(text: text).config.name == "First")
    }

    @Test func commentedOutConfigIsIgnored() throws {
        let text =
            "<!--\n<config lang=\"json\">{\"name\": \"Old\", \"api_version\": \"0.1.8\"}</config>\n-->\n"
            + pluginText(config: #"{"name": "Current", "api_version": "0.1.8"}"#)
        #expect(try Plugin(text: text).config.name == "Current")
    }
}

@Suite struct TagResolutionTests {
    static let tagged = pluginText(
        config: """
            {"name": "T", "type": "native-python", "api_version": "0.1.8", "tags": ["CPU", "GPU"],
             "requirements": {"CPU": ["numpy"], "GPU": ["numpy", "conda: cupy"]},
             "env": {"GPU": "conda create -n t python=3.11"},
             "flags": {"CPU": ["functional"], "GPU": []},
             "icon": "🔬"}
            """,
        scripts: """
            <script lang="python">common = 1</script>
            <script lang="python" tag="CPU">device = "cpu"</script>
            <script lang="python" tag="GPU">device = "gpu"</script>
            """)

    @Test func firstTagIsTheDefault() throws {
        let plugin = try Plugin(text: Self.tagged)
        #expect(plugin.config.tag == "CPU")
        #expect(plugin.config.requirements == [.pip(["numpy"])])
        #expect(plugin.config.flags.isFunctional)
        #expect(plugin.scripts.map(\.content) == ["common = 1", "device = \"cpu\""])
    }

    @Test func requestedTagSelectsItsEntriesAndScripts() throws {
        let plugin = try Plugin(text: Self.tagged, tag: "GPU")
        #expect(plugin.config.requirements == [.pip(["numpy"]), .conda(["cupy"])])
        #expect(plugin.config.environment == [.command("conda create -n t python=3.11")])
        #expect(!plugin.config.flags.isFunctional)
        #expect(plugin.scripts.map(\.content) == ["common = 1", "device = \"gpu\""])
        #expect(plugin.config.fields["icon"] == "🔬")
    }

    @Test func missingTagKeyLeavesTheFieldUnsetWithAWarning() throws {
        let plugin = try Plugin(text: Self.tagged, tag: "CPU")
        #expect(plugin.config.environment.isEmpty)
        #expect(plugin.config.fields["env"] == nil)
        #expect(plugin.warnings.contains { $0.contains("env") && $0.contains("CPU") })
    }

    @Test func undeclaredTagIsAnErrorListingTheDeclaredOnes() {
        #expect {
            try Plugin(text: Self.tagged, tag: "TPU")
        } throws: { error in
            "\(error)".contains("'TPU'") && "\(error)".contains("'CPU', 'GPU'")
        }
    }

    @Test func tagDictWithoutTagsIsAnError() {
        #expect {
            try Plugin(text: pluginText(config: #"{"name": "A", "api_version": "0.1.8", "requirements": {"CPU": ["x"]}}"#))
        } throws: { error in
            guard case .invalidField(let location, _)? = error as? PluginError else { return false }
            return location.field == "requirements"
        }
    }

    @Test func taggedScriptsAreExcludedWhenThePluginHasNoTags() throws {
        let plugin = try Plugin(
            text: pluginText(
                config: #"{"name": "A", "api_version": "0.1.8"}"#,
                scripts: "<script>a</script><script tag=\"X\">b</script>"))
        #expect(plugin.scripts.map(\.content) == ["a"])
    }
}

@Suite struct LegacyUpgradeTests {
    @Test(arguments: [
        ("pyworker", "native-python"), ("webworker", "web-worker"), ("webpython", "web-python"), ("window", "window"), ("iframe", "iframe"),
    ])
    func modeBecomesType(mode: String, type: String) throws {
        let plugin = try Plugin(text: pluginText(config: #"{"name": "L", "api_version": "0.1.1", "mode": "\#(mode)"}"#, lang: nil))
        #expect(plugin.config.type.rawValue == type)
        #expect(plugin.config.fields["mode"] == nil)
    }

    @Test func missingModeIsWebWorker() throws {
        let plugin = try Plugin(text: pluginText(config: #"{"name": "L", "api_version": "0.0.9"}"#, lang: nil))
        #expect(plugin.config.type == .webWorker)
    }

    @Test func perTagModeResolvesByTag() throws {
        let config =
            #"{"name": "L", "api_version": "0.1.1", "tags": ["nativePy", "webPy"], "mode": {"nativePy": "pyworker", "webPy": "webpython"}}"#
        #expect(try Plugin(text: pluginText(config: config, lang: nil)).config.type == .nativePython)
        #expect(try Plugin(text: pluginText(config: config, lang: nil), tag: "webPy").config.type == .webPython)
    }

    @Test func modeIsNotUpgradedAfter011() throws {
        let plugin = try Plugin(
            text: pluginText(config: #"{"name": "L", "api_version": "0.1.2", "type": "native-python", "mode": "pyworker"}"#, lang: nil))
        #expect(plugin.config.type == .nativePython)
        #expect(plugin.config.fields["mode"] == "pyworker")
    }
}

@Suite struct APIVersionTests {
    @Test func comparesLikeImJoy() {
        #expect(APIVersion.compare("0.1.6", "0.1.5") > 0)
        #expect(APIVersion.compare("0.1.5", "0.1.5") == 0)
        #expect(APIVersion.compare("0.1", "0.1.0") == 0)
        #expect(APIVersion.compare("0.1.10", "0.1.9") > 0)
        #expect(APIVersion.compare("0.x.1", "0.0.1") == 0)
        #expect(APIVersion.compare("1.0.0-beta", "1.0.0") == 0)
    }
}

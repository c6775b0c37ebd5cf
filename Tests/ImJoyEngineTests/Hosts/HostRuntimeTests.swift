import ImJoyPlugin
import Testing

@testable import ImJoyEngine

/// Which runtime serves which plugin type, and which scripts each executes.
@Suite struct HostRuntimeTests {
    @Test func pluginTypesMapToTheirRuntime() {
        #expect(HostRuntime(serving: .nativePython) == .python)
        #expect(HostRuntime(serving: .webPython) == .python)
        #expect(HostRuntime(serving: .webWorker) == .javascript)
        for type in [PluginType.window, .iframe, .webPythonWindow, .rpcWindow, .rpcWorker, .collection, .other("evil")] {
            #expect(HostRuntime(serving: type) == nil, "\(type)")
            #expect(!PluginHosts.serves(type))
        }
    }

    @Test func eachRuntimeRunsItsOwnScripts() throws {
        let plugin = try Plugin(
            text: """
                <config lang="json">{"name": "Mixed", "type": "web-worker", "api_version": "0.1.8"}</config>
                <script lang="javascript">a()</script>
                <script lang="python">b()</script>
                <script lang="js" type="module">c()</script>
                <script>d()</script>
                """)
        #expect(plugin.scripts.filter(HostRuntime.javascript.runs).map(\.content) == ["a()", "c()", "d()"])
        #expect(plugin.scripts.filter(HostRuntime.python.runs).map(\.content) == ["b()"])
        #expect(HostRuntime.javascript.interpreterArguments.isEmpty)
        #expect(HostRuntime.python.interpreterArguments == ["-u"])
        #expect(HostRuntime.javascript.hostSegmentPrefix != HostRuntime.python.hostSegmentPrefix)
    }
}

import Foundation
import ImJoySchema
import TestSupport
import Testing

@testable import ImJoyEngine

/// imjoy-rpc's `api.registerCodec` (`register_codec`) in a Python plugin: an instance of the
/// codec's type is sent encoded (`_rtype` = the codec's name) and arrives decoded, in the call's
/// data, across the rpc to a web-worker plugin and back, and in the result.
@Suite struct PythonCodecTests {
    @Test(.enabled(if: RealPluginRun.hasNode && RealPluginRun.hasPython, "needs Node.js and python3"))
    func codecsCrossTheRpc() throws {
        let directory = try TemporaryDirectory("imjoy-run-py-codec")
        defer { withExtendedLifetime(directory) {} }
        let workflow = directory.appending("w.json")
        let source = RealPluginRun.root.appendingPathComponent("cross/PyCodec.imjoy.html").path
        try #"""
        {"name": "c", "plugins": {"p": "\#(source)"}, "inputs": {"cell": [{"v": 5, "_rtype": "cell"}]},
         "ops": [{"id": "c", "plugin": "p"}]}
        """#.write(to: workflow, atomically: true, encoding: .utf8)
        let run = try RealPluginRun(workflow.path)
        defer { run.remove() }
        #expect(run.summary.exitCode == 0, "\(run.summary.text) \(run.tasks.compactMap(\.error))")
        let value = try run.json("0/c.json")
        #expect(value["dataIsCell"] == true && value["dataValue"] == 5, "the data decoded: \(value)")
        #expect(value["crossedIsCell"] == true, "the codec decoded what came back from JsMath")
        #expect(value["crossed"] == ["v": 3, "_rtype": "cell"] && value["result"] == ["v": 7, "_rtype": "cell"])
    }

    /// A codec without an encoder or a decoder is refused, naming the function.
    @Test(.enabled(if: RealPluginRun.hasPython, "needs python3"))
    func anIncompleteCodecIsRefusedByName() throws {
        let directory = try TemporaryDirectory("imjoy-run-py-codec")
        defer { withExtendedLifetime(directory) {} }
        let plugin = directory.appending("Bad.imjoy.html")
        try """
        <config lang="json">{"name": "BadCodec", "type": "native-python", "version": "0.1.0", "api_version": "0.1.8"}</config>
        <script lang="python">
        from imjoy import api
        class Plugin:
            def run(self, ctx):
                api.registerCodec({"name": "half"})
        api.export(Plugin())
        </script>
        """.write(to: plugin, atomically: true, encoding: .utf8)
        let workflow = directory.appending("w.json")
        try #"{"name": "b", "plugins": {"p": "\#(plugin.path)"}, "ops": [{"id": "b", "plugin": "p"}]}"#
            .write(to: workflow, atomically: true, encoding: .utf8)
        let run = try RealPluginRun(workflow.path)
        defer { run.remove() }
        #expect(run.summary.exitCode == 1)
        let error = run.error(op: "b") ?? ""
        #expect(error.hasPrefix("Python plugin BadCodec: ValueError: api.registerCodec needs {name, type, encoder, decoder}"), "\(error)")
    }
}

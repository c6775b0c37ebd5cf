import Foundation
import TestSupport
import Testing

@testable import ImJoyEngine

/// A result that contains itself or nests 100 000 levels deep fails the call with one line
/// naming the runtime, the plugin and where the result goes wrong (issue #19), in both hosts;
/// the process stays usable.
@Suite(.serialized) struct UnsendableResultTests {
    typealias Session = PluginChildrenTests.Session

    static func expectOneLineError(_ fixture: String, plugin: String, runtime: HostRuntime) throws {
        let session = try Session(fixture)
        defer { session.close() }
        for (what, expected) in [("deep", "nests more than 200 levels"), ("cycle", "result[\"a\"][1] contains itself")] {
            do {
                _ = try session.call(what)
                Issue.record("\(what): the call returned")
            } catch let error as PluginHostError {
                let text = "\(error)"
                #expect(!text.contains("\n"), "\(what): one line, not a traceback: \(text.prefix(400))")
                #expect(text.hasPrefix("\(runtime.displayName) plugin \(plugin): cannot send the result: "), "\(text)")
                let javascriptPath = expected.replacingOccurrences(of: "[\"a\"]", with: ".a")
                #expect(text.contains(expected) || text.contains(javascriptPath), "\(text)")
                #expect(error.isRaisedByPlugin)
            }
        }
        // The host survived: the next call works.
        #expect(try session.call("fine")["pid"] != nil)
    }

    @Test(.enabled(if: PluginChildrenTests.hasPython, "needs python3"))
    func pythonDeepAndCyclicResults() throws {
        try Self.expectOneLineError("python/Forker.imjoy.html", plugin: "Forker", runtime: .python)
    }

    @Test(.enabled(if: PluginChildrenTests.hasNode, "needs Node.js"))
    func javascriptDeepAndCyclicResults() throws {
        try Self.expectOneLineError("javascript/ForkerJS.imjoy.html", plugin: "ForkerJS", runtime: .javascript)
    }
}

import Foundation
import ImJoySchema
import TestSupport
import Testing

@testable import ImJoyEngine

/// The offline copies of web-worker plugins' script URLs.
@Suite struct JavaScriptCacheTests {
    @Test func addStoresTheFileUnderTheURLsHashAndListsIt() throws {
        let directory = try Fixtures.temporaryDirectory("imjoy-run-js-cache")
        let cache = JavaScriptCache(directory: directory.appendingPathComponent("cache").path)
        let url = "https://cdn.example.org/lib@1/lib.js"
        #expect(cache.file(for: url) == nil)
        let source = directory.appendingPathComponent("lib.js")
        try "self.lib = 1;".write(to: source, atomically: true, encoding: .utf8)

        let stored = try cache.add(url: url, file: source.path)
        // The Node.js host looks a URL up by the same name: sha256(url) in hex.
        #expect(stored == cache.directory + "/" + SHA256.hex(Data(url.utf8)))
        #expect(cache.file(for: url) == stored)
        #expect(try String(contentsOfFile: stored, encoding: .utf8) == "self.lib = 1;")
        #expect(cache.entries() == [url: .string(URL(fileURLWithPath: stored).lastPathComponent)])
        #expect(cache.file(for: url + "?v=2") == nil)
    }

    @Test func badInputIsNamed() throws {
        let directory = try Fixtures.temporaryDirectory("imjoy-run-js-cache")
        let cache = JavaScriptCache(directory: directory.path)
        #expect(throws: JavaScriptHostError.self) { try cache.add(url: "lib.js", file: "/dev/null") }
        do {
            try cache.add(url: "https://x.org/a.js", file: directory.appendingPathComponent("missing.js").path)
            Issue.record("a missing file was accepted")
        } catch {
            #expect(error.description.contains("cannot read \(directory.path)/missing.js"), "\(error)")
        }
    }

    @Test func aRelativeFolderIsMadeAbsolute() {
        let cache = JavaScriptCache(directory: "some/cache")
        #expect(cache.directory == FileManager.default.currentDirectoryPath + "/some/cache")
    }

    @Test func defaultFolderSitsBesideThePythonEnvironments() {
        #expect(JavaScriptCache.defaultDirectory(environment: ["XDG_CACHE_HOME": "/c"]) == "/c/imjoy-run/js")
        #expect(JavaScriptCache.defaultDirectory(environment: ["HOME": "/home/u"]) == "/home/u/.cache/imjoy-run/js")
    }
}

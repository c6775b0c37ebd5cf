import Foundation
import ImJoyWorkflow
import TestSupport
import Testing

@testable import ImJoyEngine

/// Temporary siblings a killed run left in the out dir are removed when the next run takes the
/// out dir's lock; nothing else is (issue #19).
@Suite struct StaleTemporariesTests {
    @Test(arguments: [
        (".img_0.tif.tmp-1234-4294967295", true), (".group.tmp-7-0", true), (".a.b.tmp-1-2", true),
        ("img_0.tif.tmp-1234-5", false), (".img_0.tif.tmp-1234", false), (".img_0.tif.tmp-12a-5", false),
        (".tmp-1-2", false), (".x.tmp-1-2-3", false), (".x.tmp--2", false), ("x.tif", false),
    ])
    func theWritersPatternOnly(name: String, matches: Bool) {
        #expect(StaleTemporaries.matches(name) == matches)
    }

    @Test func theNextRunRemovesWhatAKilledRunLeft() throws {
        let fixture = try RunFixture(count: 2)
        defer { fixture.remove() }
        #expect(try fixture.run().status == .succeeded)
        let out = fixture.out.path
        let stale = ["\(out)/.manifest.json.tmp-4242-17", "\(out)/0/.smooth.tif.tmp-4242-18", "\(out)/x.zarr/.labels.tmp-4242-19"]
        let kept = [
            "\(out)/0/notes.tmp-4242-1", "\(out)/0/.notes.tmp-4242", "\(out)/.imjoy-run/.state.tmp-4242-2",
            "\(out)/x.zarr/0/.chunk.tmp-4242-3",
        ]
        for path in stale + kept {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        }
        for path in stale.dropLast() + kept { _ = FileManager.default.createFile(atPath: path, contents: Data([1, 2])) }
        // A store's temporary folder.
        try FileManager.default.createDirectory(atPath: stale.last! + "/0", withIntermediateDirectories: true)
        #expect(try fixture.run().status == .succeeded)
        for path in stale { #expect(!FileManager.default.fileExists(atPath: path), "\(path) stayed") }
        for path in kept { #expect(FileManager.default.fileExists(atPath: path), "\(path) was removed") }
    }

    @Test func aShardLeavesThemToTheWholeRun() throws {
        let fixture = try RunFixture(count: 2)
        defer { fixture.remove() }
        let stale = fixture.out.appendingPathComponent(".stats.json.tmp-4242-1").path
        try FileManager.default.createDirectory(at: fixture.out, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: stale, contents: Data([1]))
        var options = fixture.options()
        options.isSharded = true
        options.shard = try Shard(index: 0, count: 2)
        _ = try fixture.run(options)
        #expect(FileManager.default.fileExists(atPath: stale), "another shard may be writing it")
    }
}

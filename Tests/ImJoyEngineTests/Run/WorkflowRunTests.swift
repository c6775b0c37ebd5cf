import Foundation
import ImJoySchema
import ImJoyWorkflow
import TestSupport
import Testing

@testable import ImJoyEngine

/// Whole runs through the engine's API (plan → run → outputs, cache, manifest), no subprocess.
@Suite struct WorkflowRunTests {
    @Test func runsEndToEndThenHitsTheCacheWithTheSameBytes() throws {
        let fixture = try RunFixture()
        defer { fixture.remove() }
        let cold = try fixture.run()
        #expect(cold.status == .succeeded, "\(cold.text)")
        #expect(cold.exitCode == 0)
        #expect((cold.items, cold.succeededItems, cold.failedItems, cold.notRunItems) == (3, 3, 0, 0))
        let misses = try #require(cold.cache?.misses)
        #expect(cold.cache?.hits == 0 && misses >= 9, "\(String(describing: cold.cache))")
        #expect(cold.outputs.contains("img_0/mask.tif") && cold.outputs.contains("img_2/stats.json"), "\(cold.outputs)")
        let mask = try Data(contentsOf: fixture.out.appendingPathComponent("img_1/mask.tif"))
        let stats = try JSONValue(jsonText: String(contentsOf: fixture.out.appendingPathComponent("img_1/stats.json"), encoding: .utf8))
        #expect(stats["mean"]?.doubleValue != nil, "\(stats)")

        let warm = try fixture.run()
        #expect(warm.status == .succeeded)
        #expect(warm.cache?.hits == misses && warm.cache?.misses == 0, "\(String(describing: warm.cache))")
        #expect(warm.cachedTasks == misses)
        #expect(try Data(contentsOf: fixture.out.appendingPathComponent("img_1/mask.tif")) == mask)
    }

    @Test func theManifestListsEveryOutputWithItsHash() throws {
        let fixture = try RunFixture(count: 2)
        defer { fixture.remove() }
        let summary = try fixture.run()
        let url = try #require(summary.manifest)
        #expect(url.path == fixture.out.appendingPathComponent("manifest.json").path)
        let manifest = try RunManifest.read(url)
        #expect(manifest["format"]?.stringValue == RunManifest.formatName)
        #expect(manifest["workflow"]?["name"]?.stringValue == "lib")
        #expect(manifest["run"]?["format"]?.stringValue == "tiff")
        let outputs = manifest["outputs"]?.arrayValue ?? []
        #expect(Set(outputs.compactMap { $0["path"]?.stringValue }) == Set(summary.outputs))
        for output in outputs {
            let path = try #require(output["path"]?.stringValue)
            let onDisk = try SHA256.file(fixture.out.appendingPathComponent(path).path)
            #expect(output["sha256"]?.stringValue == onDisk.sha256, "\(path)")
            #expect(output["item"]?.stringValue?.hasPrefix("img_") == true)
        }
        #expect(outputs.contains { $0["path"]?.stringValue == "img_0/mask.tif" && $0["op"]?.stringValue == "mask" })
        #expect((manifest["inputs"]?.objectValue ?? [:]).count == 2)
    }

    @Test func failedItemsAreCountedAndListed() throws {
        let fixture = try RunFixture(count: 2)
        defer { fixture.remove() }
        try Data("not a tiff".utf8).write(to: fixture.directory.appendingPathComponent("img_9.tif"))
        let summary = try fixture.run()
        #expect(summary.status == .someFailed)
        #expect(summary.exitCode == 1)
        #expect((summary.succeededItems, summary.failedItems, summary.notRunItems) == (2, 1, 0))
        #expect(summary.text.contains("2/3 items succeeded, 1 failed;"), "\(summary.text)")
        #expect(summary.text.contains("failed: item img_9, op load"))
        let manifest = try RunManifest.read(try #require(summary.manifest))
        #expect(!(manifest["outputs"]?.arrayValue ?? []).contains { $0["item"]?.stringValue == "img_9" })
    }

    @Test func failFastCountsOnlyWhatReallySucceeded() throws {
        let fixture = try RunFixture(count: 6)
        defer { fixture.remove() }
        try Data("not a tiff".utf8).write(to: fixture.directory.appendingPathComponent("img_0.tif"))
        var options = fixture.options()
        (options.jobs, options.failFast, options.usesCache) = (1, true, false)
        let events = EventLog()
        options.observers = [events]
        let summary = try fixture.run(options)
        #expect(summary.exitCode == 1)
        let byItem = Dictionary(grouping: events.all, by: \.itemKey)
        let reallySucceeded = byItem.values.filter { $0.count == 4 && $0.allSatisfy { $0.status == .succeeded } }.count
        #expect(summary.succeededItems == reallySucceeded, "\(summary.text)")
        #expect(summary.succeededItems + summary.failedItems + summary.notRunItems == 6)
        #expect(summary.tasks.succeededTasks == events.all.filter { $0.status == .succeeded }.count)
        #expect(summary.text.hasPrefix("\(reallySucceeded)/6 items succeeded"), "\(summary.text)")
    }

    @Test func badOptionsAndUnknownRerunOpsAreRefusedBeforeAnythingRuns() throws {
        let fixture = try RunFixture(count: 1)
        defer { fixture.remove() }
        var options = fixture.options()
        options.jobs = 99_999_999_999
        #expect { try fixture.run(options) } throws: { "\($0)".contains("jobs must be 1...1024") }
        options = fixture.options()
        options.retries = Int.max
        #expect { try fixture.run(options) } throws: { "\($0)".contains("retries must be 0...100") }
        options = fixture.options()
        options.rerun = ["nosuch"]
        #expect { try fixture.run(options) } throws: { "\($0)".contains("--rerun nosuch: the workflow has no op 'nosuch'") }
        #expect(!FileManager.default.fileExists(atPath: fixture.out.path))
    }

    @Test func anUnwritableOutDirIsOneErrorNamingIt() throws {
        let fixture = try RunFixture(count: 1)
        defer { fixture.remove() }
        let file = fixture.directory.appendingPathComponent("a-file")
        try Data().write(to: file)
        let out = file.appendingPathComponent("out")
        #expect { try fixture.run(fixture.options(out)) } throws: { error in
            guard case WorkflowRunError.outputNotWritable(let path, _) = error else { return false }
            return path == out.path && "\(error)".contains("a-file is not a folder") && !"\(error)".contains("\n")
        }
    }

    @Test func aShardWritesItsPartAndRunRecord() throws {
        let fixture = try RunFixture(count: 4)
        defer { fixture.remove() }
        var options = fixture.options()
        (options.shard, options.isSharded) = (try Shard(index: 1, count: 2), true)
        let summary = try fixture.run(options)
        #expect(summary.items == 2 && summary.status == .succeeded, "\(summary.text)")
        #expect(summary.manifest?.lastPathComponent == "shard-0001-of-0002.json")
        #expect(ShardRunRecord.readAll(outputDirectory: fixture.out.path).map(\.shard) == [1])
        let again = try fixture.run(options)
        #expect(again.resumed == 2 && again.items == 0, "\(again.text)")
    }
}

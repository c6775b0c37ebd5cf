import Foundation
import ImJoyPlugin
import ImJoySchema
import ImJoyWorkflow
import ImageIO
import Synchronization
import TestSupport
import Testing

@testable import ImJoyEngine

/// Keeps each terminal result's content identity, by item.
private final class CapturingSink: ResultSink {
    let results = Mutex<[String: String]>([:])
    func write(_ result: JSONValue, op: PlannedOp, item: WorkItem) throws -> [String] {
        let text = FileHashes().contentIdentity(result, base: "/").canonicalText
        results.withLock { $0[item.key] = text }
        return []
    }
}

private final class Log: Sendable {
    let lines = Mutex<[String]>([])
    func add(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}

/// Issue #19: a cache entry that is truncated, has a flipped byte or an edited `result.json`
/// is a miss with a warning naming it, the outputs are right, and the entry is replaced.
@Suite struct CacheIntegrityTests {
    struct Run {
        var summary: RunSummary
        var results: [String: String]
        var log: [String]
        var stats: (hits: Int, misses: Int, stores: Int)
    }

    /// read-tiff → gaussian (lazy when its consumer hits) → threshold (terminal, to the sink).
    static func plan(_ directory: URL) throws -> WorkflowPlan {
        try LazyDataTests.setUp(directory)
        let file = directory.appendingPathComponent("pipeline.json")
        try """
        {"name": "integrity", "inputs": {"image": {"glob": "images/*.tif"}},
         "ops": [{"id": "load", "builtin": "read-tiff"},
                 {"id": "smooth", "builtin": "gaussian", "config": {"sigma": 2}},
                 {"id": "mask", "builtin": "threshold", "config": {"method": "mean"}}]}
        """.write(to: file, atomically: true, encoding: .utf8)
        return try WorkflowPlan(
            WorkflowValidator(resolver: PluginResolver(environment: [:])).validate(WorkflowLoader.load(contentsOf: file.path)))
    }

    static func run(_ plan: WorkflowPlan, cache: URL, out: URL) throws -> Run {
        let log = Log()
        let diskCache = DiskCache(directory: cache.path, plan: plan, log: { log.add($0) })
        let sink = CapturingSink()
        let executor = WorkflowExecutor(
            plan: plan, invoker: BuiltinInvoker(baseDirectory: plan.workflow.baseDirectory),
            options: RunOptions(jobs: 2, outputDirectory: out.path), sink: sink,
            checker: try SchemaDataChecker(plan: plan), cache: diskCache)
        let summary = executor.run()
        return Run(summary: summary, results: sink.results.withLock { $0 }, log: log.all, stats: diskCache.statistics)
    }

    /// Every stored entry's folder.
    static func entries(_ cache: URL) -> [URL] {
        let root = cache.appendingPathComponent("entries")
        return ((try? FileManager.default.subpathsOfDirectory(atPath: root.path)) ?? [])
            .filter { $0.hasSuffix("/result.json") }
            .map { root.appendingPathComponent($0).deletingLastPathComponent() }
    }

    /// Cold run, `damage` applied to every entry, warm run: same results, each bad entry
    /// warned about, no failure; then a third run hits everything without a warning.
    static func check(_ name: String, damage: (URL) throws -> Void) throws {
        let directory = try Fixtures.temporaryDirectory("cache-integrity")
        defer { try? FileManager.default.removeItem(at: directory) }
        let plan = try Self.plan(directory)
        let cache = directory.appendingPathComponent("cache")
        let cold = try run(plan, cache: cache, out: directory.appendingPathComponent("out"))
        #expect(cold.summary.failures.isEmpty && cold.results.count == LazyDataTests.itemCount)
        let stored = entries(cache)
        #expect(stored.count == 2 * LazyDataTests.itemCount, "\(name): \(stored)")
        for entry in stored { try damage(entry) }

        let warm = try run(plan, cache: cache, out: directory.appendingPathComponent("out"))
        #expect(warm.summary.failures.isEmpty, "\(name): \(warm.summary.failures.map(\.message))")
        #expect(warm.results == cold.results, "\(name): wrong outputs from a damaged cache")
        let warnings = warm.log.filter { $0.contains("is bad") }
        #expect(!warnings.isEmpty, "\(name): no warning in \(warm.log)")
        for warning in warnings {
            #expect(stored.contains { warning.contains($0.lastPathComponent) }, "\(name): the warning names no entry: \(warning)")
        }
        #expect(warm.stats.misses >= LazyDataTests.itemCount && warm.stats.hits >= 0, "\(name): \(warm.stats)")
        #expect(warm.stats.hits + warm.stats.misses == 2 * LazyDataTests.itemCount, "\(name): \(warm.stats)")

        let again = try run(plan, cache: cache, out: directory.appendingPathComponent("out"))
        #expect(again.results == cold.results && again.summary.failures.isEmpty)
        #expect(again.log.filter { $0.contains("is bad") }.isEmpty, "\(name): the bad entries were not replaced: \(again.log)")
        #expect(again.stats.misses == 0, "\(name): \(again.stats)")
    }

    @Test func aTruncatedBlobIsAMiss() throws {
        try Self.check("truncated") { entry in
            let blob = entry.appendingPathComponent("blob-0.bin")
            let data = try Data(contentsOf: blob)
            try data.prefix(data.count / 2).write(to: blob)
        }
    }

    @Test func aFlippedByteInABlobIsAMiss() throws {
        try Self.check("flipped") { entry in
            let blob = entry.appendingPathComponent("blob-0.bin")
            var data = try Data(contentsOf: blob)
            data[data.count / 3] ^= 0x01
            try data.write(to: blob)
        }
    }

    @Test func anEditedResultIsAMiss() throws {
        try Self.check("edited") { entry in
            let file = entry.appendingPathComponent("result.json")
            let text = try String(contentsOf: file, encoding: .utf8)
            // Same size: the dtype's last character changes (float64 → float65, uint8 → uint9 …).
            let edited = text.replacingOccurrences(of: "\"_rdtype\":\"float32\"", with: "\"_rdtype\":\"float64\"")
                .replacingOccurrences(of: "\"_rdtype\":\"uint8\"", with: "\"_rdtype\":\"int16\"")
            #expect(edited != text, "nothing to edit in \(text.prefix(200))")
            try edited.write(to: file, atomically: false, encoding: .utf8)
        }
    }

    @Test func aMissingEntryFileIsAMiss() throws {
        try Self.check("missing digest") { entry in
            try FileManager.default.removeItem(at: entry.appendingPathComponent("result.sha256"))
        }
    }

    /// An edited hash record is dropped: the file is hashed again.
    @Test func aCorruptFileHashRecordIsNotTrusted() throws {
        let directory = try Fixtures.temporaryDirectory("cache-integrity")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("input.bin")
        try Data("the input".utf8).write(to: file)
        let records = directory.appendingPathComponent("files")
        let first = FileHashes(racySeconds: 0)
        first.persist(in: records)
        let truth = try #require(first.sha256(file.path))
        let record = try #require(FileManager.default.contentsOfDirectory(at: records, includingPropertiesForKeys: nil).first)
        let text = try String(contentsOf: record, encoding: .utf8)
        try text.replacingOccurrences(of: truth, with: String(repeating: "0", count: 64)).write(
            to: record, atomically: true, encoding: .utf8)

        let second = FileHashes(racySeconds: 0)
        second.persist(in: records)
        #expect(second.sha256(file.path) == truth)
        // A changed file with the same size is hashed again, whatever the record says.
        try Data("the inpuT".utf8).write(to: file)
        let third = FileHashes(racySeconds: 0)
        third.persist(in: records)
        #expect(third.sha256(file.path) != truth)
    }

    /// Records of files changed in the last two seconds are not written (their stamp may
    /// not yet tell a later change of the same size apart).
    @Test func aFreshFileIsNotPersisted() throws {
        let directory = try Fixtures.temporaryDirectory("cache-integrity")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("input.bin")
        try Data("fresh".utf8).write(to: file)
        let records = directory.appendingPathComponent("files")
        let hashes = FileHashes()
        hashes.persist(in: records)
        #expect(hashes.sha256(file.path) != nil)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: records.path)) ?? []).isEmpty)
    }
}

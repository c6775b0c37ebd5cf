import Foundation
import ImJoyPlugin
import ImJoySchema
import ImJoyWorkflow
import ImageIO
import TestSupport
import Testing

@testable import ImJoyEngine

/// Counts the calls of each op, and the lazy-data loads of the calls that took lazy data.
private final class CountingInvoker: OpInvoker, @unchecked Sendable {
    let inner: BuiltinInvoker
    private let lock = NSLock()
    private var callCounts: [String: Int] = [:]
    private var lazy = 0
    private var loaded = 0

    init(_ inner: BuiltinInvoker) { self.inner = inner }

    var calls: [String: Int] { lock.withLock { callCounts } }
    /// Calls that got lazy data, and how many of them loaded it.
    var lazyCalls: (got: Int, loaded: Int) { lock.withLock { (lazy, loaded) } }

    func invoke(_ call: OpCall) throws -> JSONValue {
        var call = call
        lock.withLock {
            callCounts[call.op.id, default: 0] += 1
            if call.loadData != nil { lazy += 1 }
        }
        if let load = call.loadData {
            call.loadData = { [self] value in
                lock.withLock { loaded += 1 }
                return try load(value)
            }
        }
        return try inner.invoke(call)
    }

    func takesLazyData(_ op: PlannedOp) -> Bool { inner.takesLazyData(op) }
}

/// A warm rerun does no work it can skip: a file read whose consumer hits the cache is deferred
/// and never made, and `write-hdf5` writes its stored chunks without loading its data.
@Suite struct LazyDataTests {
    static let itemCount = 3

    /// Three TIFFs and the reference pipeline over them (read → gaussian → threshold → one HDF5).
    static func setUp(_ directory: URL) throws {
        let images = directory.appendingPathComponent("images")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        for index in 0..<itemCount {
            let values = (0..<(48 * 40)).map { UInt16(($0 * 7919 + index * 104_729) % 4099) }
            try TIFFWriter.write(try NDArray(shape: [48, 40], elements: values), to: images.appendingPathComponent("img_\(index).tif"))
        }
    }

    static func plan(_ directory: URL, sigma: Double = 2) throws -> WorkflowPlan {
        let file = directory.appendingPathComponent("pipeline.json")
        try """
        {"name": "lazy", "inputs": {"image": {"glob": "images/*.tif"}},
         "ops": [{"id": "load", "builtin": "read-tiff"},
                 {"id": "smooth", "builtin": "gaussian", "config": {"sigma": \(sigma)}},
                 {"id": "mask", "builtin": "threshold", "config": {"method": "mean"}},
                 {"id": "save", "builtin": "write-hdf5", "config": {"path": "all.h5", "dataset": "mask", "level": 4}}]}
        """.write(to: file, atomically: true, encoding: .utf8)
        return try WorkflowPlan(
            WorkflowValidator(resolver: PluginResolver(environment: [:])).validate(WorkflowLoader.load(contentsOf: file.path)))
    }

    struct Run {
        var summary: RunSummary
        var calls: [String: Int]
        var lazyCalls: (got: Int, loaded: Int)
        var file: [UInt8]
    }

    /// Runs `plan` into `out` with the cache in `cache` (`nil`: no cache), as `imjoy-run run` does.
    static func run(_ plan: WorkflowPlan, out: URL, cache: URL?) throws -> Run {
        let diskCache = cache.map { DiskCache(directory: $0.path, plan: plan) }
        let files = SharedHDF5Files(chunkStore: diskCache.map { HDF5ChunkStore(directory: $0.directory) })
        let invoker = CountingInvoker(BuiltinInvoker(baseDirectory: plan.workflow.baseDirectory, hdf5Files: files))
        files.orderItems(plan.items.map(\.key))
        let executor = WorkflowExecutor(
            plan: plan, invoker: invoker, options: RunOptions(jobs: 2, outputDirectory: out.path),
            checker: try SchemaDataChecker(plan: plan), cache: diskCache)
        let summary = executor.run()
        for item in plan.items { files.itemFinished(item.key) }
        try files.finish()
        let bytes = (try? Data(contentsOf: out.appendingPathComponent("all.h5"))).map { Array($0) } ?? []
        return Run(summary: summary, calls: invoker.calls, lazyCalls: invoker.lazyCalls, file: bytes)
    }

    @Test func aWarmRunCallsOnlyTheWriterWhichNeverLoadsItsData() throws {
        let directory = try Fixtures.temporaryDirectory("lazy-data")
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.setUp(directory)
        let plan = try Self.plan(directory)
        let cache = directory.appendingPathComponent("cache")
        let cold = try Self.run(plan, out: directory.appendingPathComponent("cold"), cache: cache)
        #expect(cold.summary.failures.isEmpty)
        #expect(cold.calls == ["load": 3, "smooth": 3, "mask": 3, "save": 3])
        #expect(cold.lazyCalls.got == 0)

        let warm = try Self.run(plan, out: directory.appendingPathComponent("warm"), cache: cache)
        #expect(warm.summary.failures.isEmpty)
        #expect(warm.calls == ["save": 3], "the reads were made although every consumer hit the cache")
        #expect(warm.lazyCalls.got == 3 && warm.lazyCalls.loaded == 0, "\(warm.lazyCalls)")
        #expect(!warm.file.isEmpty && warm.file == cold.file)

        // Without stored chunks, write-hdf5 loads its data (cached results) and compresses again.
        let entries = cache.appendingPathComponent("entries")
        for case let url as URL in FileManager.default.enumerator(at: entries, includingPropertiesForKeys: nil)!
        where url.lastPathComponent == "hdf5-chunks.bin" {
            try FileManager.default.removeItem(at: url)
        }
        let reloaded = try Self.run(plan, out: directory.appendingPathComponent("reloaded"), cache: cache)
        #expect(reloaded.calls == ["save": 3])
        #expect(reloaded.lazyCalls.got == 3 && reloaded.lazyCalls.loaded == 3, "\(reloaded.lazyCalls)")
        #expect(reloaded.file == cold.file)
    }

    @Test func aConsumerThatMissesMakesTheDeferredRead() throws {
        let directory = try Fixtures.temporaryDirectory("lazy-data")
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.setUp(directory)
        let cache = directory.appendingPathComponent("cache")
        _ = try Self.run(Self.plan(directory, sigma: 2), out: directory.appendingPathComponent("cold"), cache: cache)

        let changed = try Self.plan(directory, sigma: 3)
        let rerun = try Self.run(changed, out: directory.appendingPathComponent("rerun"), cache: cache)
        #expect(rerun.summary.failures.isEmpty)
        #expect(rerun.calls == ["load": 3, "smooth": 3, "mask": 3, "save": 3])
        let uncached = try Self.run(changed, out: directory.appendingPathComponent("uncached"), cache: nil)
        #expect(!rerun.file.isEmpty && rerun.file == uncached.file)
    }

    @Test func aDeferredReadThatFailsIsReportedAsTheReadsFailure() throws {
        let directory = try Fixtures.temporaryDirectory("lazy-data")
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.setUp(directory)
        let plan = try Self.plan(directory)
        let cache = directory.appendingPathComponent("cache")
        _ = try Self.run(plan, out: directory.appendingPathComponent("cold"), cache: cache)
        // A new content (so a new key, and a miss downstream) that is no TIFF.
        try Data("not a TIFF at all".utf8).write(to: directory.appendingPathComponent("images/img_1.tif"))

        let rerun = try Self.run(plan, out: directory.appendingPathComponent("rerun"), cache: cache)
        #expect(rerun.summary.failures.map(\.op) == ["load"], "\(rerun.summary.failures)")
        #expect(rerun.summary.failures.first?.itemKey == "img_1")
        #expect(rerun.summary.failures.first?.message.contains("img_1.tif") == true, "\(rerun.summary.failures)")
        #expect(rerun.calls["load"] == 1 && rerun.calls["smooth"] == nil && rerun.calls["save"] == 2)
    }
}

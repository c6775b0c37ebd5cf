import Foundation
import ImJoyPlugin
import ImJoySchema
import ImJoyWorkflow
import TestSupport
import Testing

@testable import ImJoyEngine

@Suite struct DiskCacheTests {
    static func plan(in directory: URL, sigma: Int = 2) throws -> WorkflowPlan {
        let file = directory.appendingPathComponent("w.json")
        try """
        {"name": "unit", "inputs": {"n": [1, 2]},
         "ops": [{"id": "blur", "builtin": "gaussian", "config": {"sigma": \(sigma)}, "data": "$inputs.n"},
                 {"id": "save", "builtin": "write-tiff", "data": "$blur"}]}
        """.write(to: file, atomically: true, encoding: .utf8)
        return try WorkflowPlan(
            WorkflowValidator(resolver: PluginResolver(environment: [:])).validate(WorkflowLoader.load(contentsOf: file.path)))
    }

    static func call(_ plan: WorkflowPlan, op: Int = 0, data: JSONValue) -> OpCall {
        let planned = plan.ops[op]
        return OpCall(
            op: planned, item: plan.items[0],
            context: OpCall.context(op: planned, data: data, variables: [:], workflowID: "w"), attempt: 1, outputDirectory: "/tmp")
    }

    @Test func storesBytesRawAndLoadsThemBack() throws {
        let directory = try Fixtures.temporaryDirectory("cache-unit")
        defer { try? FileManager.default.removeItem(at: directory) }
        let plan = try Self.plan(in: directory)
        let cache = DiskCache(directory: directory.appendingPathComponent("c").path, plan: plan)
        let data: JSONValue = ["_rtype": "ndarray", "_rshape": [2], "_rdtype": "uint8", "_rvalue": .bytes(JSONBytes([1, 2]))]
        let call = Self.call(plan, data: data)
        let miss = cache.lookup(call, sourceKeys: [:], lazy: false)
        #expect(miss.key != nil && miss.result == nil)
        let result: JSONValue = ["image": ["_rtype": "ndarray", "_rvalue": .bytes(JSONBytes([UInt8](repeating: 7, count: 1000)))], "n": 3]
        cache.store(result, key: miss.key!, call: call)
        let blob = cache.entryURL(miss.key!).appendingPathComponent("blob-0.bin")
        #expect((try? Data(contentsOf: blob))?.count == 1000)
        let hit = cache.lookup(call, sourceKeys: [:], lazy: false)
        #expect(hit.result?["image"]?["_rvalue"]?.bytesValue?.count == 1000)
        #expect(hit.result?["n"]?.intValue == 3)
        let lazy = cache.lookup(call, sourceKeys: [:], lazy: true)
        #expect(cache.isLazy(lazy.result!))
        #expect(try cache.materialize(lazy.result!)["n"]?.intValue == 3)
        // A truncated blob is a miss, not a crash.
        try Data([7]).write(to: blob)
        #expect(cache.lookup(call, sourceKeys: [:], lazy: false).result == nil)
        // Writers are keyed (for the ops after them) but never stored or served.
        let writer = Self.call(plan, op: 1, data: data)
        let writerLookup = cache.lookup(writer, sourceKeys: [:], lazy: false)
        #expect(writerLookup.key != nil && writerLookup.result == nil)
        cache.store(["path": "x.tif"], key: writerLookup.key!, call: writer)
        #expect(cache.lookup(writer, sourceKeys: [:], lazy: false).result == nil)
        // Same bytes under another array give another key.
        let other: JSONValue = ["_rtype": "ndarray", "_rshape": [2], "_rdtype": "uint8", "_rvalue": .bytes(JSONBytes([1, 3]))]
        #expect(cache.lookup(Self.call(plan, data: other), sourceKeys: [:], lazy: false).key != miss.key)
    }

    @Test func explainsAConfigChange() throws {
        let directory = try Fixtures.temporaryDirectory("cache-unit")
        defer { try? FileManager.default.removeItem(at: directory) }
        let lines = Lines()
        let first = try Self.plan(in: directory, sigma: 2)
        let cacheA = DiskCache(directory: directory.appendingPathComponent("c").path, plan: first, log: { lines.add($0) })
        let callA = Self.call(first, data: 1)
        let key = cacheA.lookup(callA, sourceKeys: [:], lazy: false).key!
        cacheA.store(["x": 1], key: key, call: callA)
        let second = try Self.plan(in: directory, sigma: 3)
        let cacheB = DiskCache(directory: directory.appendingPathComponent("c").path, plan: second, log: { lines.add($0) })
        #expect(cacheB.lookup(Self.call(second, data: 1), sourceKeys: [:], lazy: false).result == nil)
        #expect(lines.all == ["blur reran for item 0: config.sigma changed 2 → 3"], "\(lines.all)")
    }

    @Test func pruneKeepsTheMostRecentlyUsed() throws {
        let directory = try Fixtures.temporaryDirectory("cache-unit")
        defer { try? FileManager.default.removeItem(at: directory) }
        let plan = try Self.plan(in: directory)
        let cache = DiskCache(directory: directory.appendingPathComponent("c").path, plan: plan)
        var keys: [String] = []
        for value in 0..<4 {
            let call = Self.call(plan, data: .integer(Int64(value)))
            let key = cache.lookup(call, sourceKeys: [:], lazy: false).key!
            cache.store(["blob": .bytes(JSONBytes([UInt8](repeating: 1, count: 10_000)))], key: key, call: call)
            try FileManager.default.setAttributes(
                [.modificationDate: Date(timeIntervalSinceNow: Double(value - 10))],
                ofItemAtPath: cache.entryURL(key).appendingPathComponent("result.json").path)
            keys.append(key)
        }
        let report = try DiskCache.prune(directory: cache.directory.path, maxBytes: 25_000)
        #expect(report.entries == 4 && report.removed == 2)
        #expect(keys.map { cache.load($0) != nil } == [false, false, true, true])
        #expect(
            DiskCache.parseSize("10G") == 10 << 30 && DiskCache.parseSize("500M") == 500 << 20 && DiskCache.parseSize("64KiB") == 64 << 10)
    }
}

private final class Lines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func add(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}

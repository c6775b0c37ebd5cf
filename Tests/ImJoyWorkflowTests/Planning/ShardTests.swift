import ImJoyWorkflow
import Testing

@Suite struct ShardTests {
    @Test func contiguousBalancedBlocksCoverEveryItemOnce() throws {
        for itemCount in 0...40 {
            for count in 1...12 {
                var next = 0
                var sizes: [Int] = []
                for index in 0..<count {
                    let range = try Shard(index: index, count: count).range(itemCount: itemCount)
                    #expect(range.lowerBound == next, "items \(itemCount), shard \(index)/\(count)")
                    next = range.upperBound
                    sizes.append(range.count)
                }
                #expect(next == itemCount)
                #expect((sizes.max() ?? 0) - (sizes.min() ?? 0) <= 1, "\(itemCount) over \(count): \(sizes)")
                // Larger shards first.
                #expect(sizes == sizes.sorted(by: >))
            }
        }
    }

    @Test func unevenSplit() throws {
        // 10 items over 4 shards: 3, 3, 2, 2.
        let ranges = try (0..<4).map { try Shard(index: $0, count: 4).range(itemCount: 10) }
        #expect(ranges == [0..<3, 3..<6, 6..<8, 8..<10])
    }

    @Test func moreShardsThanItemsLeavesTheLastOnesEmpty() throws {
        let ranges = try (0..<5).map { try Shard(index: $0, count: 5).range(itemCount: 3) }
        #expect(ranges == [0..<1, 1..<2, 2..<3, 3..<3, 3..<3])
    }

    @Test func parsingAndLabels() throws {
        let shard = try Shard(parsing: "3/8")
        #expect(shard.index == 3 && shard.count == 8)
        #expect(shard.label == "shard-0003-of-0008")
        #expect(try Shard(index: 12345, count: 20000).label == "shard-12345-of-20000")
        #expect(throws: Shard.Problem.self) { try Shard(parsing: "8/8") }
        #expect(throws: Shard.Problem.self) { try Shard(parsing: "-1/8") }
        #expect(throws: Shard.Problem.self) { try Shard(parsing: "1/0") }
        #expect(throws: Shard.Problem.self) { try Shard(parsing: "1") }
    }

    @Test func packingCounts() throws {
        #expect(Shard.count(itemCount: 10, itemsPerTask: 3) == 4)
        #expect(Shard.count(itemCount: 9, itemsPerTask: 3) == 3)
        #expect(Shard.count(itemCount: 0, itemsPerTask: 3) == 1)
        #expect(Shard.count(itemCount: 5, itemsPerTask: 100) == 1)
        // Balanced shards of that count never exceed K.
        for n in 1...50 {
            for k in 1...9 {
                let count = Shard.count(itemCount: n, itemsPerTask: k)
                #expect(try Shard(index: 0, count: count).range(itemCount: n).count <= k)
            }
        }
    }
}

import Foundation

/// One shard of a batch: shard `index` (0-based) of `count`, a contiguous, balanced block of
/// items in item order (docs/hpc.md).
///
/// Which shard an array task of a batch scheduler runs is the scheduler's business
/// (`ImJoyEngine`'s `BatchScheduler` and `ArrayTask`); planning knows shards only.
///
/// With `n` items and `N` shards, the first `n % N` shards get `⌈n/N⌉` items and the rest
/// `⌊n/N⌋`; shard `i` starts at `i·⌊n/N⌋ + min(i, n % N)`. More shards than items leaves the last
/// shards empty. The split depends only on `n` and `N`, so every task of an array agrees on it.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    /// Why a shard cannot be formed.
    public struct Problem: Error, CustomStringConvertible, Equatable, Sendable {
        public var description: String
        init(_ description: String) { self.description = description }
    }

    public init(index: Int, count: Int) throws(Problem) {
        guard count >= 1 else { throw Problem("the shard count must be at least 1, not \(count)") }
        guard (0..<count).contains(index) else { throw Problem("shard \(index) is outside 0..<\(count)") }
        self.index = index
        self.count = count
    }

    /// The whole batch as one shard.
    public static let all = try! Shard(index: 0, count: 1)

    /// Parses `I/N` (`--shard 3/8`).
    public init(parsing text: String) throws(Problem) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw Problem("--shard takes I/N (shard I, 0-based, of N), not '\(text)'")
        }
        try self.init(index: index, count: count)
    }

    /// `I/N`.
    public var description: String { "\(index)/\(count)" }

    /// A file-name label: `shard-0003-of-0008` (at least 4 digits, more when `count` needs them).
    public var label: String {
        let width = max(4, String(count).count)
        func padded(_ value: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "shard-\(padded(index))-of-\(padded(count))"
    }

    /// The positions of this shard's items in a batch of `itemCount` items.
    public func range(itemCount: Int) -> Range<Int> {
        Self.start(of: index, count: count, itemCount: itemCount)..<Self.start(of: index + 1, count: count, itemCount: itemCount)
    }

    private static func start(of index: Int, count: Int, itemCount: Int) -> Int {
        let base = itemCount / count
        let extra = itemCount % count
        return index * base + min(index, extra)
    }

    /// The shard's items of `items`.
    public func items(of items: [WorkItem]) -> [WorkItem] { Array(items[range(itemCount: items.count)]) }

    /// How many shards (array tasks) `itemCount` items need at `itemsPerTask` items each: at
    /// least 1. Balanced shards of this count hold at most `itemsPerTask` items each.
    public static func count(itemCount: Int, itemsPerTask: Int) -> Int {
        let perTask = max(1, itemsPerTask)
        return max(1, (itemCount + perTask - 1) / perTask)
    }
}

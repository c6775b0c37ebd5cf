import Synchronization

/// Decoded chunks of one Zarr array kept for the next read, least recently used out first, at
/// most ``capacity`` bytes in all.
///
/// Streamed reads of overlapping boxes — a filter's halo reaching into the chunks of the
/// neighbouring box — would otherwise decode those chunks once per box. ``ZarrArray`` keeps only
/// chunks a read covers in part (the ones a neighbouring box is likely to need); a read of whole,
/// aligned chunks (a `convert`) caches nothing and costs nothing extra.
public final class ZarrChunkCache: Sendable {
    private struct Entry {
        var bytes: [UInt8]
        var lastUse: UInt64
    }

    private struct State {
        var entries: [[Int]: Entry] = [:]
        var byteCount = 0
        var clock: UInt64 = 0
        var hits = 0
        var misses = 0
    }

    /// The most decoded bytes kept.
    public let capacity: Int
    private let state = Mutex(State())

    public init(capacity: Int) {
        self.capacity = max(capacity, 0)
    }

    /// The decoded chunk at grid `position`, if kept.
    func chunk(_ position: [Int]) -> [UInt8]? {
        state.withLock { state in
            state.clock += 1
            guard var entry = state.entries[position] else {
                state.misses += 1
                return nil
            }
            state.hits += 1
            entry.lastUse = state.clock
            state.entries[position] = entry
            return entry.bytes
        }
    }

    /// Keeps `bytes` as the chunk at `position`, dropping the least recently used chunks beyond
    /// the capacity (a chunk larger than the capacity is not kept).
    func insert(_ position: [Int], bytes: [UInt8]) {
        guard bytes.count <= capacity else { return }
        state.withLock { state in
            state.clock += 1
            if let old = state.entries[position] { state.byteCount -= old.bytes.count }
            state.entries[position] = Entry(bytes: bytes, lastUse: state.clock)
            state.byteCount += bytes.count
            // A linear scan: the cache holds tens of chunks, each megabytes.
            while state.byteCount > capacity, let oldest = state.entries.min(by: { $0.value.lastUse < $1.value.lastUse }) {
                state.byteCount -= oldest.value.bytes.count
                state.entries[oldest.key] = nil
            }
            assert(state.byteCount >= 0 && state.byteCount <= capacity, "the cache holds \(state.byteCount) of \(capacity) bytes")
        }
    }

    /// Reads that found their chunk here, and reads that did not.
    public var statistics: (hits: Int, misses: Int) { state.withLock { ($0.hits, $0.misses) } }
}

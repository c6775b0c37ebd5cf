import Foundation

extension ZarrArray {
    /// Reads the region at `origin` of `shape` of a sharded array into `output`, in two parallel
    /// passes: first the index of every shard the region touches (one ranged read each: the first
    /// or last ``ZarrSharding/indexByteCount`` bytes; a missing shard object is all fill value),
    /// then every inner chunk the region overlaps (one ranged read of the `(offset, nbytes)` its
    /// index gives, decoded and copied into place). Work is shared per inner chunk, so a region
    /// inside one shard still keeps ``ZarrStore/parallelism`` reads in flight. A store without
    /// ranged reads (``ZarrStore/supportsRangedReads``) has each touched shard read whole, once,
    /// in the first pass, and its inner chunks cut from it.
    func readSharded(_ sharding: ZarrSharding, origin: [Int], shape: [Int], into output: inout NDArray) throws(ZarrError) {
        let shards = chunksCovering(origin: origin, shape: shape)
        let shardCount = shards.counts.reduce(1, *)
        var indices = [ZarrShardIndex?](repeating: nil, count: shardCount)
        var failure: ZarrError?
        indices.withUnsafeMutableBufferPointer { slots in
            let results = UncheckedSendable(value: slots)
            failure = forEachInParallel(shardCount) { number throws(ZarrError) in
                let position = zip(ZarrBoxCopy.gridIndex(number, counts: shards.counts), shards.first).map { $0 + $1 }
                results.value[number] = try readShardIndex(sharding, at: position)
            }
        }
        if let failure { throw failure }

        let chunks = chunksCovering(origin: origin, shape: shape, chunkShape: sharding.chunkShape)
        let chunkCount = chunks.counts.reduce(1, *)
        let innerBytes = metadata.innerChunkByteCount
        let innerLimit = innerBytes + innerBytes / 8 + (1 << 16)
        // Only a server that ignores `Range` sends more than the range: then the whole shard.
        let wholeLimit = shardLimit(sharding)
        let fillIsZero = metadata.fillValue.allSatisfy { $0 == 0 }
        output.withUnsafeMutableBytes { raw in
            let base = UncheckedSendable(value: raw.baseAddress!)
            let shardIndices = indices
            failure = forEachInParallel(chunkCount, perWorker: { ZarrChunkDecoder(metadata) }) { number, decoder throws(ZarrError) in
                let position = zip(ZarrBoxCopy.gridIndex(number, counts: chunks.counts), chunks.first).map { $0 + $1 }
                let shardPosition = zip(position, sharding.chunksPerShard).map { $0 / $1 }
                let local = zip(position, sharding.chunksPerShard).map { $0 % $1 }
                let slot = Self.flatIndex(zip(shardPosition, shards.first).map { $0 - $1 }, counts: shards.counts)
                let key = Self.join(path, metadata.chunkKey(shardPosition))
                var range: Range<Int>?
                if let index = shardIndices[slot] {
                    range = try index.range(
                        of: Self.flatIndex(local, counts: sharding.chunksPerShard), sharding: sharding, limit: innerLimit,
                        store: storage.location, key: key, position: local)
                }
                guard let range, let index = shardIndices[slot] else {
                    // Not stored: the fill value (the output starts zeroed).
                    if fillIsZero { return }
                    fill(decoder.buffer, byteCount: innerBytes)
                    copyOverlap(
                        of: decoder.buffer, at: position, chunkShape: sharding.chunkShape, origin: origin, shape: shape, into: base.value)
                    return
                }
                let encoded: ArraySlice<UInt8>
                if let whole = index.wholeShard {
                    encoded = whole[range]
                } else {
                    guard let part = try storage.read(key, range: .bytes(range), limit: wholeLimit) else {
                        throw ZarrError(.io, store: storage.location, location: key, reason: "the shard object disappeared while reading")
                    }
                    guard part.bytes.count == range.count else {
                        throw ZarrError(
                            .corruptChunk, store: storage.location, location: key,
                            reason: "inner chunk \(local) at bytes \(range.lowerBound)..<\(range.upperBound): only "
                                + "\(part.bytes.count) of its \(range.count) bytes are there (truncated shard?)")
                    }
                    encoded = part.bytes[...]
                }
                try decode(
                    encoded, codec: decoder.codec, into: decoder.buffer, byteCount: innerBytes, key: key, context: "inner chunk \(local): ")
                copyOverlap(
                    of: decoder.buffer, at: position, chunkShape: sharding.chunkShape, origin: origin, shape: shape, into: base.value)
            }
        }
        if let failure { throw failure }
    }

    /// The index of the shard at grid `position`, or `nil` when its object does not exist.
    private func readShardIndex(_ sharding: ZarrSharding, at position: [Int]) throws(ZarrError) -> ZarrShardIndex? {
        let key = Self.join(path, metadata.chunkKey(position))
        let indexBytes = sharding.indexByteCount
        let range: ZarrByteRange = sharding.indexLocation == .start ? .bytes(0..<indexBytes) : .suffix(indexBytes)
        let limit = shardLimit(sharding)
        if storage.supportsRangedReads {
            guard let part = try storage.read(key, range: range, limit: limit) else { return nil }
            return try ZarrShardIndex(part.bytes[...], sharding: sharding, objectSize: part.objectSize, store: storage.location, key: key)
        }
        guard let whole = try storage.read(key, limit: limit) else { return nil }
        return try ZarrShardIndex(
            whole[range.resolved(size: whole.count)], sharding: sharding, objectSize: whole.count, wholeShard: whole,
            store: storage.location, key: key)
    }

    /// The most bytes a whole shard object may have (inner chunks at their limit, plus the
    /// index), within the limit of one chunk read whole.
    private func shardLimit(_ sharding: ZarrSharding) -> Int {
        let innerBytes = metadata.innerChunkByteCount
        let innerLimit = innerBytes + innerBytes / 8 + (1 << 16)
        let cap = ZarrLimits.maximumChunkBytes + ZarrLimits.maximumChunkBytes / 8 + (1 << 16)
        let (chunks, overflow) = innerLimit.multipliedReportingOverflow(by: sharding.chunksPerShardCount)
        return overflow ? cap : min(cap, chunks + sharding.indexByteCount)
    }

    /// Runs `body` for `0..<count` on up to ``ZarrStore/parallelism`` threads, each with its own
    /// `perWorker` state; returns the first failure (a worker stops at its first).
    func forEachInParallel<State>(
        _ count: Int, perWorker: () -> State, _ body: (Int, State) throws(ZarrError) -> Void
    ) -> ZarrError? {
        let workers = max(1, min(count, storage.parallelism))
        var failures = [ZarrError?](repeating: nil, count: workers)
        failures.withUnsafeMutableBufferPointer { slots in
            let errors = UncheckedSendable(value: slots)
            runWorkers(workers) { worker in
                let state = perWorker()
                for number in stride(from: worker, to: count, by: workers) {
                    do throws(ZarrError) {
                        try body(number, state)
                    } catch {
                        errors.value[worker] = error
                        return
                    }
                }
            }
        }
        return failures.lazy.compactMap { $0 }.first
    }

    /// ``forEachInParallel(_:perWorker:_:)`` without per-worker state.
    func forEachInParallel(_ count: Int, _ body: (Int) throws(ZarrError) -> Void) -> ZarrError? {
        forEachInParallel(count, perWorker: { () }) { number, _ throws(ZarrError) in try body(number) }
    }

    /// The C-order number of grid position `position` in a grid of `counts`.
    static func flatIndex(_ position: [Int], counts: [Int]) -> Int {
        zip(position, counts).reduce(0) { $0 * $1.1 + $1.0 }
    }
}

/// One worker's codec and decode buffer (an inner chunk's bytes) for sharded reads.
final class ZarrChunkDecoder {
    let codec: ZarrChunkCodec
    let buffer: UnsafeMutableRawBufferPointer

    init(_ metadata: ZarrArrayMetadata) {
        codec = ZarrChunkCodec(metadata)
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(metadata.innerChunkByteCount, 1), alignment: 64)
    }

    deinit { buffer.deallocate() }
}

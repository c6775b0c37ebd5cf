import Dispatch
import Foundation
import Synchronization

/// Compresses blocks `0 ..< count` on worker threads and hands each compressed block to `consume`
/// on the calling thread, in block order, while the workers go on compressing later blocks.
///
/// This is one continuous stream with no barrier between groups of blocks (TIFF pages): workers
/// take the next block as soon as they finish one, so a worker that the shared machine slows down
/// does not hold up the others, and the caller writes block k while blocks k + 1 … are compressed.
/// Compressed blocks go into a ring of reused output buffers (no allocation per block; fresh
/// memory costs a page fault per 4 KiB on first touch), so at most `ring` blocks are in flight:
/// a worker takes block k only after `consume` has returned for block k − ring.
/// Written here because neither libdeflate nor Dispatch offers an ordered producer/consumer ring.
///
/// The bytes of a block depend only on its input and the compression, never on the worker that
/// made it, so the output is the same for any number of workers.
///
/// - Parameters:
///   - count: the number of blocks.
///   - compressors: one per worker (all of the same compression). With one worker, the calling
///     thread still writes block k while the worker compresses the next ones.
///   - maxBlockBytes: the size of the largest input block.
///   - scratchBytes: the size of a scratch buffer each worker (and the caller, for one block) owns,
///     for blocks that are gathered rather than read in place (TIFF tiles); 0 for none.
///   - block: the input bytes of block `index`, either in place or gathered into the scratch
///     buffer it is given; called on worker threads, so it must only read shared memory.
///   - consume: called in order with each block index and its compressed bytes (valid only during
///     the call), or `nil` when compressing that block failed. When it throws, the workers stop and
///     the error is rethrown.
func compressInOrder<E: Error>(
    count: Int, compressors: [BlockCompressor], maxBlockBytes: Int, scratchBytes: Int = 0,
    block: (Int, UnsafeMutableRawBufferPointer) -> UnsafeRawBufferPointer,
    consume: (Int, UnsafeRawBufferPointer?) throws(E) -> Void
) throws(E) {
    guard count > 0, let first = compressors.first else { return }
    let bound = max(first.bound(forInputBytes: maxBlockBytes), 1)
    let workers = min(compressors.count, count)
    // One block: nothing to overlap with, so no threads.
    if count == 1 {
        let output = UnsafeMutableRawBufferPointer.allocate(byteCount: bound, alignment: 64)
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: scratchBytes, alignment: 64)
        defer {
            output.deallocate()
            scratch.deallocate()
        }
        let size = first.compress(block(0, scratch), into: output)
        try consume(0, size.map { UnsafeRawBufferPointer(rebasing: output[..<$0]) })
        return
    }
    // Enough slots that every worker can be compressing while the caller writes a few blocks
    // behind them; at most 64 MiB of output room.
    let ring = min(count, max(workers + 2, min(8 * workers, (64 << 20) / bound)))
    let state = OrderedCompressionState(ring: ring, slotBytes: bound)
    defer { state.deallocate() }

    try withoutActuallyEscaping(block) { (escapingBlock) throws(E) in
        let input = UncheckedSendable(value: escapingBlock)
        let group = DispatchGroup()
        for worker in 0..<workers {
            let compressor = UncheckedSendable(value: compressors[worker])
            DispatchQueue.global().async(group: group) {
                let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: scratchBytes, alignment: 64)
                defer { scratch.deallocate() }
                while let index = state.take(count: count) {
                    let slot = index % ring
                    state.sizes[slot] = compressor.value.compress(input.value(index, scratch), into: state.buffer(slot)) ?? -1
                    state.filled[slot].signal()
                }
            }
        }
        do throws(E) {
            for index in 0..<count {
                let slot = index % ring
                state.filled[slot].wait()
                let size = state.sizes[slot]
                try consume(index, size < 0 ? nil : UnsafeRawBufferPointer(start: state.buffer(slot).baseAddress, count: size))
                state.window.signal()
            }
        } catch {
            state.cancel(workers: workers)
            group.wait()
            throw error
        }
        group.wait()
    }
}

/// The shared state of one ``compressInOrder(count:compressors:maxBlockBytes:block:consume:)``.
///
/// Slot `index % ring` holds block `index`. `window` counts the free slots: a worker waits on it
/// before taking a block index, and the caller signals it after consuming a block, so when a worker
/// takes block k, block k − ring has been consumed and its slot is free. `filled[slot]` is signalled
/// by the worker that compressed the block in the slot; the semaphores order the accesses to
/// `sizes` and the buffers.
// @unchecked: `sizes` and the slot buffers are raw memory whose accesses the semaphores order
// (see above); the block counter is inside its Mutex; everything else is immutable.
private final class OrderedCompressionState: @unchecked Sendable {
    let ring: Int
    let slotBytes: Int
    let window: DispatchSemaphore
    let filled: [DispatchSemaphore]
    let sizes: UnsafeMutableBufferPointer<Int>
    private let storage: UnsafeMutableRawPointer
    /// The next block index to hand out, and whether the caller stopped.
    private let progress = Mutex((next: 0, cancelled: false))

    init(ring: Int, slotBytes: Int) {
        self.ring = ring
        self.slotBytes = slotBytes
        // Created at 0 and raised: a semaphore disposed below its initial value is a libdispatch
        // crash, and workers leave holding one slot each.
        window = DispatchSemaphore(value: 0)
        for _ in 0..<ring { window.signal() }
        filled = (0..<ring).map { _ in DispatchSemaphore(value: 0) }
        sizes = .allocate(capacity: ring)
        sizes.initialize(repeating: 0)
        storage = .allocate(byteCount: ring * slotBytes, alignment: 64)
    }

    func deallocate() {
        sizes.deallocate()
        storage.deallocate()
    }

    func buffer(_ slot: Int) -> UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: storage + slot * slotBytes, count: slotBytes)
    }

    /// The next block index for a worker once its slot is free, or `nil` when all are taken or the
    /// caller stopped.
    func take(count: Int) -> Int? {
        window.wait()
        return progress.withLock { progress in
            guard !progress.cancelled, progress.next < count else { return nil }
            defer { progress.next += 1 }
            return progress.next
        }
    }

    /// Stops the workers: none takes another block, and those waiting for a slot wake up.
    func cancel(workers: Int) {
        progress.withLock { $0.cancelled = true }
        for _ in 0..<workers { window.signal() }
    }
}

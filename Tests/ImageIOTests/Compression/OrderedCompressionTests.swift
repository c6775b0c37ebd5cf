import Foundation
import Testing

@testable import ImageIO

@Suite("ordered parallel block compression")
struct OrderedCompressionTests {
    private struct Stop: Error {}

    /// Blocks of different sizes and contents, so a block handed over in the wrong slot shows.
    private static func makeBlocks(_ count: Int) -> [[UInt8]] {
        (0..<count).map { index in
            var state = UInt64(index + 1) &* 0x9E37_79B9_7F4A_7C15
            return (0..<(200 + index * 37 % 900)).map { position in
                state ^= state << 13
                state ^= state >> 7
                state ^= state << 17
                return UInt8(truncatingIfNeeded: position / 5 + Int(state & 3))
            }
        }
    }

    /// Runs ``compressInOrder`` over `blocks` stored back to back in one buffer.
    private static func run(
        _ blocks: [[UInt8]], compressors: [BlockCompressor], gathers: Bool = false,
        consume: (Int, UnsafeRawBufferPointer?) throws(Stop) -> Void
    ) throws {
        let joined = Array(blocks.joined())
        let starts = blocks.reduce(into: [0]) { $0.append($0.last! + $1.count) }
        try joined.withUnsafeBytes { raw in
            let largest = blocks.map(\.count).max()!
            try compressInOrder(
                count: blocks.count, compressors: compressors, maxBlockBytes: largest, scratchBytes: gathers ? largest : 0,
                block: { index, scratch in
                    let bytes = UnsafeRawBufferPointer(rebasing: raw[starts[index]..<starts[index + 1]])
                    guard gathers else { return bytes }
                    // Gathered as TIFF tiles are: copied into the worker's own scratch buffer.
                    scratch.copyMemory(from: bytes)
                    return UnsafeRawBufferPointer(rebasing: scratch[..<bytes.count])
                }, consume: consume)
        }
    }

    @Test("blocks arrive in order with the bytes a single compressor makes", arguments: [1, 2, 3, 7], [false, true])
    func inOrder(workers: Int, gathers: Bool) throws {
        for compression in [Compression.deflate(level: 6), .zstd(level: 3)] {
            let blocks = Self.makeBlocks(300)
            let reference = BlockCompressor(compression)
            let expected = blocks.map { block in block.withUnsafeBytes { reference.compress($0) } }
            let compressors = (0..<workers).map { _ in BlockCompressor(compression) }
            var received: [Int] = []
            var bytes: [[UInt8]] = []
            try Self.run(blocks, compressors: compressors, gathers: gathers) { (index, compressed) throws(Stop) in
                received.append(index)
                guard let compressed else { throw Stop() }
                bytes.append(Array(compressed))
            }
            #expect(received == Array(0..<300))
            let differing = expected.indices.filter { $0 >= bytes.count || bytes[$0] != expected[$0] }
            #expect(differing.isEmpty, "\(compression) with \(workers) workers: blocks \(differing) differ")
        }
    }

    @Test("a single block is compressed on the calling thread")
    func singleBlock() throws {
        let blocks = Self.makeBlocks(1)
        let expected = blocks[0].withUnsafeBytes { BlockCompressor(.deflate(level: 6)).compress($0) }
        var received: [(Int, [UInt8]?)] = []
        try Self.run(blocks, compressors: [BlockCompressor(.deflate(level: 6)), BlockCompressor(.deflate(level: 6))]) {
            (index, bytes) throws(Stop) in
            received.append((index, bytes.map { Array($0) }))
        }
        #expect(received.map(\.0) == [0])
        #expect(received.first?.1 == expected)
    }

    @Test("an error from the consumer stops the workers and is rethrown", arguments: [1, 2, 4])
    func consumerError(workers: Int) {
        let blocks = Self.makeBlocks(2000)
        let compressors = (0..<workers).map { _ in BlockCompressor(.deflate(level: 1)) }
        var calls = 0
        #expect(throws: Stop.self) {
            try Self.run(blocks, compressors: compressors) { (index, _) throws(Stop) in
                calls += 1
                if index == 9 { throw Stop() }
            }
        }
        #expect(calls == 10)
    }
}

import Testing

@testable import ImageIO

@Suite("chunk gathering and byte shuffling")
struct ChunkGridTests {
    @Test func gatherPadsEdgeChunks() {
        let grid = ChunkGrid(shape: [3, 5], chunkShape: [2, 2], elementSize: 1)
        #expect(grid.chunkCount == 6)
        #expect(grid.origin(ofChunk: 5) == [2, 4])
        let source: [UInt8] = Array(0..<15)
        var chunk = [UInt8](repeating: 0xEE, count: 4)
        source.withUnsafeBytes { s in
            chunk.withUnsafeMutableBytes { grid.gather(origin: [2, 4], from: s.baseAddress!, into: $0.baseAddress!) }
        }
        #expect(chunk == [14, 0, 0, 0])
        source.withUnsafeBytes { s in
            chunk.withUnsafeMutableBytes { grid.gather(origin: [0, 2], from: s.baseAddress!, into: $0.baseAddress!) }
        }
        #expect(chunk == [2, 3, 7, 8])
    }

    @Test func shuffleMatchesHDF5() {
        let input: [UInt8] = [1, 2, 3, 4, 5, 6, 7]  // three 2-byte elements and a trailing byte
        var output = [UInt8](repeating: 0, count: 7)
        input.withUnsafeBytes { i in output.withUnsafeMutableBytes { shuffleBytes(i, elementSize: 2, into: $0) } }
        #expect(output == [1, 3, 5, 2, 4, 6, 7])
        var output4 = [UInt8](repeating: 0, count: 8)
        [UInt8](1...8).withUnsafeBytes { i in output4.withUnsafeMutableBytes { shuffleBytes(i, elementSize: 4, into: $0) } }
        #expect(output4 == [1, 5, 2, 6, 3, 7, 4, 8])
    }
}

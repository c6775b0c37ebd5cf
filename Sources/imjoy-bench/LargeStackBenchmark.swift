import Dispatch
import Foundation
import ImageIO

/// `imjoy-bench large-stack STORE GIB`: writes a procedural 3D uint16 stack of GIB GiB
/// (`[GIB · 32, 4096, 4096]`) as an OME-Zarr store (NGFF 0.4, Blosc lz4, chunks (16, 512, 512)),
/// generated and written block by block (``OMEZarr/write(source:axes:scale:name:to:options:blockBytes:)``),
/// so the input of the larger-than-memory run costs no memory and no download. Prints
/// `large_generate<TAB>seconds`. bench/reference/large_ref.py computes the same values.
enum LargeStackBenchmark {
    static func run(_ arguments: [String]) throws {
        guard arguments.count == 2, let gib = Int(arguments[1]), gib >= 1 else {
            FileHandle.standardError.write(Data("usage: imjoy-bench large-stack STORE GIB\n".utf8))
            exit(2)
        }
        let store = URL(fileURLWithPath: arguments[0])
        let source = ProceduralStack(shape: [gib * 32, 4096, 4096])
        let options = OMEZarrWriteOptions(format: .v2, chunkShape: [16, 512, 512], compressor: .bloscDefault)
        report(
            "large_generate",
            seconds: try measureBest(iterations: 1) {
                try OMEZarr.write(source: source, to: store, options: options, blockBytes: 256 << 20)
            })
    }
}

/// `v(z, y, x) = 4·tri(x + 3z, 256) + 4·tri(y + 5z, 320) + (hash(x, y, z) >> 8 & 255)` with
/// `tri(a, p) = |a mod 2p − p|` and `hash = (73856093x ^ 19349663y ^ 83492791z) mod 2³²`: smooth
/// ramps with 8 bits of noise, integers only, so the Python reference gets the same values.
struct ProceduralStack: ArraySource {
    let shape: [Int]
    var dtype: DType { .uint16 }
    var metadata: ArrayMetadata? { nil }

    static func value(z: Int, y: Int, x: Int) -> UInt16 {
        func tri(_ a: Int, _ period: Int) -> Int { abs(a % (2 * period) - period) }
        let hash = ((73_856_093 &* x) ^ (19_349_663 &* y) ^ (83_492_791 &* z)) & 0xFFFF_FFFF
        return UInt16(4 * tri(x + 3 * z, 256) + 4 * tri(y + 5 * z, 320) + ((hash >> 8) & 255))
    }

    func read(origin: [Int], shape box: [Int]) throws -> NDArray {
        var array = try NDArray(zeros: box, dtype: .uint16, limit: .max)
        let rows = box[0] * box[1]
        let width = box[2]
        try array.withUnsafeMutableBufferPointer(as: UInt16.self) { buffer in
            let base = UncheckedPointer(buffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: rows) { row in
                let z = origin[0] + row / box[1]
                let y = origin[1] + row % box[1]
                let pixels = base.pointer + row * width
                for column in 0..<width { pixels[column] = Self.value(z: z, y: y, x: origin[2] + column) }
            }
        }
        return array
    }
}

import Dispatch
import ImageIO

/// The arrays the ImageIO and Zarr benchmarks write and read.
enum BenchData {
    /// `pages` × 2048 × 2048 uint16: a smooth ramp with a little xorshift noise, which compresses
    /// about like a microscope image; one page per worker.
    static func ramp(pages: Int) throws -> NDArray {
        var array = try NDArray(zeros: [pages, 2048, 2048], dtype: .uint16)
        try array.withUnsafeMutableBufferPointer(as: UInt16.self) { buffer in
            let base = UncheckedPointer(buffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: pages) { page in
                var state = UInt64(page + 1) &* 0x9E37_79B9_7F4A_7C15
                let pixels = base.pointer + page * 2048 * 2048
                for y in 0..<2048 {
                    for x in 0..<2048 {
                        state ^= state << 13
                        state ^= state >> 7
                        state ^= state << 17
                        pixels[y * 2048 + x] = UInt16(truncatingIfNeeded: ((x * 3 + y * 5 + page * 7) & 0x0FFF) + Int(state & 0x1F))
                    }
                }
            }
        }
        return array
    }
}

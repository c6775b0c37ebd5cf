/// How a pyramid level is made from the level above it.
public enum OMEZarrDownsampling: String, Sendable, CaseIterable {
    /// The mean of each 2×2 (×2) block (rounded to nearest for integers, `true` if any is set for bool).
    case mean
    /// The first element of each block.
    case nearest
}

enum OMEZarrPyramid {
    /// `array` halved (rounding up) along the dimensions in `axes`.
    static func downsample(_ array: NDArray, axes: Set<Int>, method: OMEZarrDownsampling) throws -> NDArray {
        let shape = array.shape.enumerated().map { axes.contains($0) ? ($1 + 1) / 2 : $1 }
        let output = try NDArray(zeros: shape, dtype: array.dtype)
        let inStrides = ZarrBoxCopy.strides(array.shape)
        let source = array.storage.baseAddress
        let destination = output.storage.baseAddress
        let factors = array.shape.indices.map { axes.contains($0) ? 2 : 1 }
        NDArray.dispatch(array.dtype) { (type: any NDArrayElement.Type) in
            run(type, source, destination, inShape: array.shape, inStrides: inStrides, outShape: shape, factors: factors, method: method)
        }
        return output
    }

    private static func run<T: NDArrayElement>(
        _ type: T.Type, _ source: UnsafeMutableRawPointer, _ destination: UnsafeMutableRawPointer,
        inShape: [Int], inStrides: [Int], outShape: [Int], factors: [Int], method: OMEZarrDownsampling
    ) {
        let input = source.assumingMemoryBound(to: T.self)
        let output = destination.assumingMemoryBound(to: T.self)
        let count = outShape.reduce(1, *)
        let rank = outShape.count
        let blockCounts = factors
        let blockSize = blockCounts.reduce(1, *)
        for flat in 0..<count {
            let position = ZarrBoxCopy.gridIndex(flat, counts: outShape)
            if method == .nearest {
                var offset = 0
                for dim in 0..<rank { offset += position[dim] * factors[dim] * inStrides[dim] }
                output[flat] = input[offset]
                continue
            }
            var sum = 0.0
            var n = 0.0
            for block in 0..<blockSize {
                let step = ZarrBoxCopy.gridIndex(block, counts: blockCounts)
                var offset = 0
                var inside = true
                for dim in 0..<rank {
                    let index = position[dim] * factors[dim] + step[dim]
                    if index >= inShape[dim] {
                        inside = false
                        break
                    }
                    offset += index * inStrides[dim]
                }
                guard inside else { continue }
                sum += input[offset].scalar.doubleValue
                n += 1
            }
            let mean = sum / max(n, 1)
            if T.dtype == .bool {
                output[flat] = T(scalar: .real(sum > 0 ? 1 : 0))
            } else {
                output[flat] = T(scalar: .real(T.dtype.isFloatingPoint ? mean : mean.rounded()))
            }
        }
    }
}

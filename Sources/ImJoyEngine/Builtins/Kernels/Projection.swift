import ImageIO

enum ProjectionKernel {
    /// The maximum along `axis` (numpy `a.max(axis)`): same dtype, NaN propagates.
    static func max(_ array: NDArray, axis: Int) throws -> NDArray {
        try checkAxis(array, axis)
        let (outer, n, inner) = splitShape(array.shape, axis: axis)
        guard n > 0 else { throw KernelError("the maximum along axis \(axis) of length 0 is undefined") }
        var shape = array.shape
        shape.remove(at: axis)
        let result = try NDArray(zeros: shape, dtype: array.dtype)
        withElementType(array.dtype) { type in
            func run<T: KernelElement>(_: T.Type) {
                let box = UnsafeSendableBox(value: (array.kernelElements(T.self), result.kernelMutableElements(T.self)))
                forEachBlock(outer: outer, inner: inner) { plane, columns in
                    let (source, destination) = box.value
                    let dst = destination.baseAddress! + plane * inner
                    let first = source.baseAddress! + plane * n * inner
                    for c in columns { dst[c] = first[c] }
                    for i in 1..<n {  // once NaN, `v > NaN` is false: NaN stays
                        let row = first + i * inner
                        for c in columns {
                            let v = row[c]
                            if v > dst[c] || v.isNaNValue { dst[c] = v }
                        }
                    }
                }
            }
            run(type)
        }
        return result
    }

    /// The mean along `axis` (numpy `a.mean(axis)` in float64), stored as float32.
    static func mean(_ array: NDArray, axis: Int) throws -> NDArray {
        try checkAxis(array, axis)
        let (outer, n, inner) = splitShape(array.shape, axis: axis)
        guard n > 0 else { throw KernelError("the mean along axis \(axis) of length 0 is undefined") }
        var shape = array.shape
        shape.remove(at: axis)
        let result = try NDArray(zeros: shape, dtype: .float32)
        withElementType(array.dtype) { type in
            func run<T: KernelElement>(_: T.Type) {
                let box = UnsafeSendableBox(value: (array.kernelElements(T.self), result.kernelMutableElements(Float.self)))
                forEachBlock(outer: outer, inner: inner) { plane, columns in
                    let (source, destination) = box.value
                    var sums = [Double](repeating: 0, count: columns.count)
                    let first = source.baseAddress! + plane * n * inner + columns.lowerBound
                    sums.withUnsafeMutableBufferPointer { sums in
                        for i in 0..<n {
                            let row = first + i * inner
                            for c in 0..<sums.count { sums[c] += row[c].doubleValue }
                        }
                        let dst = destination.baseAddress! + plane * inner + columns.lowerBound
                        let count = Double(n)
                        for c in 0..<sums.count { dst[c] = Float(sums[c] / count) }
                    }
                }
            }
            run(type)
        }
        return result
    }

    private static func checkAxis(_ array: NDArray, _ axis: Int) throws {
        guard axis >= 0, axis < array.rank else {
            throw KernelError("axis \(axis) is out of range for an array of rank \(array.rank) (shape \(array.shape))")
        }
    }

    /// Calls `body(plane, columns)` in parallel over every plane and block of inner columns.
    private static func forEachBlock(outer: Int, inner: Int, _ body: (Int, Range<Int>) -> Void) {
        guard inner > 0 else { return }
        let block = 4096
        let blocks = (inner + block - 1) / block
        parallelRanges(outer * blocks) { range in
            for task in range {
                let start = (task % blocks) * block
                body(task / blocks, start..<Swift.min(start + block, inner))
            }
        }
    }
}

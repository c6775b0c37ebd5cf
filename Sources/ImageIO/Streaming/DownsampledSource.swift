/// A source halved (rounding up) along some axes, read a box at a time: a box of the result reads
/// the box twice as large from `base` and downsamples it (``OMEZarrPyramid``). The values are
/// those of downsampling the whole array at once, since every 2×2 (×2) block lies inside one
/// read box: pyramid levels of an array larger than memory, each streamed from the level above.
struct DownsampledSource: ArraySource {
    let base: any ArraySource
    /// The halved axes.
    let axes: Set<Int>
    let method: OMEZarrDownsampling

    var shape: [Int] { base.shape.enumerated().map { axes.contains($0) ? ($1 + 1) / 2 : $1 } }
    var dtype: DType { base.dtype }
    var metadata: ArrayMetadata? { nil }
    /// The base's chunks halved: a block of them reads whole chunks of the base.
    var chunkShape: [Int]? { base.chunkShape.map { $0.enumerated().map { axes.contains($0) ? max(1, $1 / 2) : $1 } } }

    func read(origin: [Int], shape box: [Int]) throws -> NDArray {
        try ArraySourceError.check(origin: origin, shape: box, in: shape)
        let baseShape = base.shape
        let baseOrigin = origin.enumerated().map { axes.contains($0) ? $1 * 2 : $1 }
        let baseBox = box.indices.map { axis in
            axes.contains(axis) ? min(box[axis] * 2, baseShape[axis] - baseOrigin[axis]) : box[axis]
        }
        let downsampled = try OMEZarrPyramid.downsample(
            base.read(origin: baseOrigin, shape: baseBox), axes: axes, method: method)
        assert(downsampled.shape == box, "a downsampled box of \(downsampled.shape), expected \(box)")
        return downsampled
    }
}

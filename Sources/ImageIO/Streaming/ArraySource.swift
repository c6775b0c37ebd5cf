import Foundation

/// An n-d array that is read a box at a time: a file whose pages, chunks or hyperslabs are
/// decoded only when asked for, an array in memory, or (in the engine) a chain of chunk-wise
/// built-in ops over such a source. Streaming writers (``ArrayFormat/write(source:to:options:blockBytes:)``)
/// pull boxes from a source and write them as they come, so an array larger than memory is
/// converted or processed with memory bounded by the box size.
public protocol ArraySource: Sendable {
    /// The array's shape.
    var shape: [Int] { get }
    /// The element type of every box read.
    var dtype: DType { get }
    /// Axes, pixel sizes and units, when known.
    var metadata: ArrayMetadata? { get }
    /// The box of `shape` elements at `origin` (inside ``shape``) as a new array.
    func read(origin: [Int], shape: [Int]) throws -> NDArray
    /// Whether boxes should be about as long on every axis (a source that reads a halo around
    /// each box) rather than whole rows first (a file read in strips); default `false`.
    var prefersCubicBlocks: Bool { get }
    /// The unit the file decodes at once (Zarr and HDF5 chunks, TIFF strips or tiles of a page),
    /// when it has one: writers read whole multiples of it, so no chunk is decoded twice.
    var chunkShape: [Int]? { get }
}

extension ArraySource {
    public var prefersCubicBlocks: Bool { false }
    public var chunkShape: [Int]? { nil }

    /// The number of bytes the whole array would take in memory (`Int.max` on overflow).
    public var byteCount: Int {
        (try? NDArray.checkedByteCount(shape: shape, dtype: dtype, limit: .max)) ?? .max
    }

    /// The whole array in memory, refused with ``ArraySourceError/tooLarge(byteCount:limit:)``
    /// when it needs more than `limit` bytes.
    public func readAll(limit: Int) throws -> NDArray {
        guard byteCount <= limit else { throw ArraySourceError.tooLarge(byteCount: byteCount, limit: limit) }
        var array = try read(origin: shape.map { _ in 0 }, shape: shape)
        if array.metadata == nil { array.metadata = metadata }
        return array
    }
}

/// Why a source cannot be read as asked.
public enum ArraySourceError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The array needs `byteCount` bytes, more than `limit`.
    case tooLarge(byteCount: Int, limit: Int)
    /// A box outside the array, or of another rank.
    case outside(origin: [Int], shape: [Int], arrayShape: [Int])

    public var description: String {
        switch self {
        case .tooLarge(let n, let limit): "the array needs \(n) bytes, more than the memory limit of \(limit) bytes"
        case .outside(let origin, let shape, let arrayShape): "the box at \(origin) of \(shape) is outside the array's shape \(arrayShape)"
        }
    }

    /// Throws ``outside(origin:shape:arrayShape:)`` unless the box lies inside `arrayShape`.
    public static func check(origin: [Int], shape: [Int], in arrayShape: [Int]) throws(ArraySourceError) {
        guard origin.count == arrayShape.count, shape.count == arrayShape.count,
            arrayShape.indices.allSatisfy({ origin[$0] >= 0 && shape[$0] >= 0 && origin[$0] + shape[$0] <= arrayShape[$0] })
        else { throw .outside(origin: origin, shape: shape, arrayShape: arrayShape) }
    }
}

extension NDArray: ArraySource {
    /// A copy of the box (the array itself, shared copy-on-write, when the box is all of it).
    public func read(origin: [Int], shape box: [Int]) throws -> NDArray {
        try ArraySourceError.check(origin: origin, shape: box, in: shape)
        if box == shape { return self }
        let output = try NDArray(zeros: box, dtype: dtype, limit: .max)
        guard output.count > 0 else { return output }
        ZarrBoxCopy(extent: box, elementSize: dtype.byteSize).copy(
            from: storage.baseAddress, shape: shape, origin: origin,
            to: output.storage.baseAddress, shape: box, origin: box.map { _ in 0 })
        return output
    }
}

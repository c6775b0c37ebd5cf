import Foundation
import ImJoySchema
import ImageIO

/// An array larger than the run's memory limit, flowing between built-in ops without being
/// read: a file source (``LazySource``) and the chunk-wise ops applied to it so far. A writer
/// pulls it block by block (it is an ``ArraySource``): each block is read from the file with the
/// halo the ops ask for and pushed through the same kernels as an in-memory array, so the values
/// are those of the in-memory path. In a run it travels as an rpc ndarray dict without `_rvalue`
/// and with `_rlazy` (``LazyArray+RPC.swift``).
struct LazyArray: ArraySource {
    /// Where the elements come from.
    var source: LazySource
    /// The chunk-wise ops, first applied first.
    var transforms: [any ChunkwiseTransform]
    /// The working memory one block may take (input, halo, temporaries); larger requests are
    /// split into smaller boxes.
    var blockBudget: Int
    /// The opened file.
    private let opened: any ArraySource

    init(source: LazySource, transforms: [any ChunkwiseTransform] = [], blockBudget: Int) throws {
        self.source = source
        self.transforms = transforms
        self.blockBudget = blockBudget
        opened = try source.open()
    }

    /// The shapes and dtypes after each step: the source's first.
    private var stages: [(shape: [Int], dtype: DType)] {
        var result = [(opened.shape, opened.dtype)]
        for transform in transforms {
            let (shape, dtype) = result[result.count - 1]
            result.append((transform.outputShape(shape), transform.outputDType(dtype)))
        }
        return result
    }

    var shape: [Int] { stages.last!.shape }
    var dtype: DType { stages.last!.dtype }
    var metadata: ArrayMetadata? { transforms.reduce(opened.metadata) { $1.outputMetadata($0) } }
    /// Blocks with a halo cost least when they are about cubic.
    var prefersCubicBlocks: Bool { transforms.contains { $0.kind.readsAround } }
    /// The file's chunks while every op is point-wise (a block of whole chunks then decodes each once).
    var chunkShape: [Int]? { transforms.allSatisfy { $0.kind == .pointwise } ? opened.chunkShape : nil }

    /// This array with `transform` applied after the others.
    func appending(_ transform: any ChunkwiseTransform) -> LazyArray {
        var copy = self
        copy.transforms.append(transform)
        return copy
    }

    /// The box `shape` at `origin`, computed in sub-boxes when one would need more than
    /// ``blockBudget`` of working memory.
    func read(origin: [Int], shape box: [Int]) throws -> NDArray {
        try ArraySourceError.check(origin: origin, shape: box, in: shape)
        let request = ArrayBox(origin: origin, shape: box)
        if box.contains(0) { return try NDArray(zeros: box, dtype: dtype, limit: .max) }
        guard workingBytes(for: request) > blockBudget, let (axis, half) = split(request) else {
            return try compute(request)
        }
        // Two parts along `axis`, assembled into one output block.
        var firstShape = box
        firstShape[axis] = half
        var secondOrigin = origin
        secondOrigin[axis] += half
        var secondShape = box
        secondShape[axis] -= half
        let parts = [
            (try read(origin: origin, shape: firstShape), 0),
            (try read(origin: secondOrigin, shape: secondShape), half),
        ]
        var output = try NDArray(zeros: box, dtype: dtype, limit: .max)
        for (part, offset) in parts {
            var at = box.map { _ in 0 }
            at[axis] = offset
            try output.paste(part, at: at)
        }
        return output
    }

    /// Where to cut a box that needs more than the budget: across its longest axis (parts about
    /// cubic, so their halos cost least), at the boundary of the file's chunks nearest the middle
    /// when the box spans several chunks there (no chunk decoded for both parts), else in the
    /// middle. Chunk boundaries count only while every op keeps the file's shape (element
    /// positions are the file's). `nil` for a single element.
    func split(_ box: ArrayBox) -> (axis: Int, at: Int)? {
        guard let axis = box.shape.indices.max(by: { box.shape[$0] < box.shape[$1] }), box.shape[axis] > 1 else { return nil }
        let (start, extent) = (box.origin[axis], box.shape[axis])
        if let chunks = opened.chunkShape, chunks.count == box.shape.count, chunks[axis] > 0,
            stages.allSatisfy({ $0.shape == opened.shape })
        {
            let chunk = chunks[axis]
            let cut = (start + extent / 2 + chunk / 2) / chunk * chunk - start
            if cut > 0 && cut < extent { return (axis, cut) }
        }
        return (axis, extent / 2)
    }

    /// The bytes one computation of `box` holds at its peak (every stage's block, with temporaries).
    func workingBytes(for box: ArrayBox) -> Int {
        let stages = self.stages
        var total = box.shape.reduce(stages.last!.dtype.byteSize, *)
        var current = box
        for (index, transform) in transforms.enumerated().reversed() {
            current = transform.inputBox(for: current, inputShape: stages[index].shape)
            let count = current.shape.reduce(1, *)
            total += count * (stages[index].dtype.byteSize + transform.workingBytesPerElement)
        }
        return total
    }

    /// Reads the source box under `box` and applies every transform.
    private func compute(_ box: ArrayBox) throws -> NDArray {
        let stages = self.stages
        var boxes = [box]
        for (index, transform) in transforms.enumerated().reversed() {
            boxes.insert(transform.inputBox(for: boxes[0], inputShape: stages[index].shape), at: 0)
        }
        var block = try readWrapping(boxes[0])
        for (index, transform) in transforms.enumerated() {
            block = try transform.apply(block, inputBox: boxes[index], outputBox: boxes[index + 1], inputShape: stages[index].shape)
        }
        return block
    }
}

extension LazyArray {
    /// The file's box `box`; positions outside the array (a `gaussian` in mode `wrap` asks for
    /// them) wrap around to the other end, the box assembled from the pieces.
    func readWrapping(_ box: ArrayBox) throws -> NDArray {
        let shape = opened.shape
        let inside = box.shape.indices.allSatisfy { box.origin[$0] >= 0 && box.origin[$0] + box.shape[$0] <= shape[$0] }
        if inside { return try opened.read(origin: box.origin, shape: box.shape) }
        // Per axis, the runs of the box that are contiguous in the file: (offset in the box, file start, length).
        let runs: [[(at: Int, from: Int, count: Int)]] = box.shape.indices.map { axis in
            var result: [(Int, Int, Int)] = []
            var position = box.origin[axis]
            let end = position + box.shape[axis]
            let n = shape[axis]
            while position < end {
                let from = ((position % n) + n) % n
                let count = min(n - from, end - position)
                result.append((position - box.origin[axis], from, count))
                position += count
            }
            return result
        }
        var output = try NDArray(zeros: box.shape, dtype: opened.dtype, limit: .max)
        let counts = runs.map(\.count)
        for index in 0..<counts.reduce(1, *) {
            // The index-th combination of runs, the last axis fastest.
            var rest = index
            var pick = [(at: Int, from: Int, count: Int)](repeating: (0, 0, 0), count: runs.count)
            for axis in stride(from: runs.count - 1, through: 0, by: -1) {
                pick[axis] = runs[axis][rest % counts[axis]]
                rest /= counts[axis]
            }
            let part = try opened.read(origin: pick.map { $0.from }, shape: pick.map { $0.count })
            try output.paste(part, at: pick.map { $0.at })
        }
        return output
    }
}

extension NDArray {
    /// Copies `part` into this array with its first element at `origin`.
    mutating func paste(_ part: NDArray, at origin: [Int]) throws {
        guard part.dtype == dtype, part.rank == rank else {
            throw KernelError("cannot paste \(part.shape) \(part.dtype) into \(shape) \(dtype)")
        }
        let size = dtype.byteSize
        var strides = [Int](repeating: 1, count: rank)
        var partStrides = [Int](repeating: 1, count: rank)
        for axis in stride(from: rank - 2, through: 0, by: -1) {
            strides[axis] = strides[axis + 1] * shape[axis + 1]
            partStrides[axis] = partStrides[axis + 1] * part.shape[axis + 1]
        }
        guard part.count > 0, rank > 0 else { return }
        let rowBytes = part.shape[rank - 1] * size
        let rows = part.count / part.shape[rank - 1]
        let target = storage.baseAddress
        let source = part.storage.baseAddress
        for row in 0..<rows {
            var remainder = row
            var offset = origin[rank - 1]
            for axis in stride(from: rank - 2, through: 0, by: -1) {
                let index = remainder % part.shape[axis]
                remainder /= part.shape[axis]
                offset += (origin[axis] + index) * strides[axis]
            }
            (target + offset * size).copyMemory(from: source + row * rowBytes, byteCount: rowBytes)
        }
    }
}

import ImJoySchema
import ImageIO

/// `crop` as a lazy view: the output is the region (``CropKernel/selections(_:shape:)`` of the
/// input's shape, checked when the op runs), and an output block reads the smallest input box
/// holding its elements — with a step, every step-th element of it — which the same
/// ``CropKernel/gather(_:_:)`` as the in-memory crop copies out, so the values are identical.
struct CropTransform: ChunkwiseTransform {
    var region: String
    var inputShape: [Int]
    /// What the region selects on each input axis.
    let selections: [AxisSelection]

    init(region: String, inputShape: [Int]) throws {
        self.region = region
        self.inputShape = inputShape
        selections = try CropKernel.selections(region, shape: inputShape)
    }

    var op: String { "crop" }
    var kind: ChunkwiseKind { .view }
    func outputShape(_ shape: [Int]) -> [Int] { selections.filter { !$0.drops }.map(\.count) }
    func outputDType(_ dtype: DType) -> DType { dtype }
    /// The input's axes while the region keeps them all (as in memory: metadata of another rank is dropped).
    func outputMetadata(_ metadata: ArrayMetadata?) -> ArrayMetadata? { selections.contains(where: \.drops) ? nil : metadata }

    /// The selection of each input axis restricted to output box `box`: the output axes are the
    /// kept input axes, in order.
    private func selections(for box: ArrayBox) -> [AxisSelection] {
        var output = 0
        return selections.map { selection in
            guard !selection.drops else { return selection }
            defer { output += 1 }
            var part = selection
            part.start = selection.index(box.origin[output])
            part.count = box.shape[output]
            return part
        }
    }

    func inputBox(for box: ArrayBox, inputShape: [Int]) -> ArrayBox {
        var result = ArrayBox(origin: [], shape: [])
        for selection in selections(for: box) {
            guard selection.count > 0 else {
                result.origin.append(0)
                result.shape.append(0)
                continue
            }
            let first = selection.start
            let last = selection.index(selection.count - 1)
            result.origin.append(min(first, last))
            result.shape.append(abs(last - first) + 1)
        }
        return result
    }

    func apply(_ input: NDArray, inputBox: ArrayBox, outputBox: ArrayBox, inputShape: [Int]) throws -> NDArray {
        var block = selections(for: outputBox)
        for axis in block.indices { block[axis].start -= inputBox.origin[axis] }
        return try CropKernel.gather(input, block)
    }

    var json: JSONValue {
        ["op": "crop", "region": .string(region), "input_shape": .array(inputShape.map { .integer(Int64($0)) })]
    }
}

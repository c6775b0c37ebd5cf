import ImJoySchema
import ImageIO

/// A box of an array: where it starts and its extent per axis.
struct ArrayBox: Sendable, Equatable {
    var origin: [Int]
    var shape: [Int]

    /// The whole array of `shape`.
    init(whole shape: [Int]) {
        self.init(origin: shape.map { _ in 0 }, shape: shape)
    }

    init(origin: [Int], shape: [Int]) {
        self.origin = origin
        self.shape = shape
    }
}

/// How a built-in op works on part of an array (docs/ARCHITECTURE.md, "A chunk-wise built-in op").
enum ChunkwiseKind: Sendable, Equatable {
    /// Each output element depends on the input element at the same place (threshold, casts).
    case pointwise
    /// Each output element depends on the input elements within `radius[axis]` of it along each
    /// axis, with the op's border rule at the array's ends (gaussian: `truncate · sigma`).
    case halo([Int])
    /// The output drops `axis`; each output element depends on the whole input line along it
    /// (projections).
    case reduction(axis: Int)
    /// Each output element is one input element elsewhere (crop: a region, with steps, and axes
    /// dropped by an index): the output's axes and chunks are not the input's.
    case view

    /// Whether an output block reads input around it (a halo, a whole line): blocks then cost
    /// least when they are about cubic.
    var readsAround: Bool {
        switch self {
        case .halo, .reduction: true
        case .pointwise, .view: false
        }
    }
}

/// A built-in op that runs block by block on an array larger than the memory limit: applied to an
/// input block with the halo its ``inputBox(for:inputShape:)`` asks for, it gives exactly the
/// elements the whole-array kernel gives for the output box. Transforms are chained in a
/// ``LazyArray`` and recorded in its rpc dict (``json``), so a rerun or a cache key sees the chain.
protocol ChunkwiseTransform: Sendable {
    /// The op's name (`gaussian`).
    var op: String { get }
    var kind: ChunkwiseKind { get }
    /// The output's shape and dtype for an input of `shape` and `dtype`.
    func outputShape(_ shape: [Int]) -> [Int]
    func outputDType(_ dtype: DType) -> DType
    /// The output's metadata for an input's.
    func outputMetadata(_ metadata: ArrayMetadata?) -> ArrayMetadata?
    /// The input box needed for output box `box` (inside the input's `inputShape`).
    func inputBox(for box: ArrayBox, inputShape: [Int]) -> ArrayBox
    /// The output box `box` from `input`, the block ``inputBox(for:inputShape:)`` asked for.
    func apply(_ input: NDArray, inputBox: ArrayBox, outputBox: ArrayBox, inputShape: [Int]) throws -> NDArray
    /// Bytes of working memory per input element beyond the input and output blocks.
    var workingBytesPerElement: Int { get }
    /// The op and its parameters, as recorded in the lazy array's rpc dict.
    var json: JSONValue { get }
}

extension ChunkwiseTransform {
    var workingBytesPerElement: Int { 0 }
    func outputMetadata(_ metadata: ArrayMetadata?) -> ArrayMetadata? { metadata }
}

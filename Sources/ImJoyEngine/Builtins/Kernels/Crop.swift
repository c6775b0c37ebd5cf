import Foundation
import ImageIO

/// One component of a numpy index: a slice `start:stop:step` or a single integer (drops the axis).
enum IndexComponent: Equatable {
    case slice(start: Int?, stop: Int?, step: Int?)
    case index(Int)
}

enum CropKernel {
    /// Parses numpy slice syntax: comma-separated `start:stop:step` parts (each optional, negative
    /// counts from the end) or integers, for the leading axes. An empty text is `:`.
    static func parse(_ text: String) throws -> [IndexComponent] {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return [] }
        var components: [IndexComponent] = []
        for part in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
            let piece = part.trimmingCharacters(in: .whitespaces)
            guard !piece.isEmpty else { throw KernelError("empty index in region '\(text)'") }
            let fields = piece.split(separator: ":", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            func number(_ field: String) throws -> Int? {
                if field.isEmpty { return nil }
                guard let value = Int(field) else { throw KernelError("'\(field)' in region '\(text)' is not an integer") }
                return value
            }
            switch fields.count {
            case 1:
                guard let value = try number(fields[0]) else { throw KernelError("empty index in region '\(text)'") }
                components.append(.index(value))
            case 2, 3:
                let step = fields.count == 3 ? try number(fields[2]) : nil
                if step == 0 { throw KernelError("slice step cannot be zero in region '\(text)'") }
                components.append(.slice(start: try number(fields[0]), stop: try number(fields[1]), step: step))
            default:
                throw KernelError("'\(piece)' in region '\(text)' is not a slice")
            }
        }
        return components
    }

    /// The indices a slice selects on an axis of `length`, clamped like Python's `slice.indices`.
    static func indices(start: Int?, stop: Int?, step: Int?, length: Int) -> AxisSelection {
        let step = step ?? 1
        func adjust(_ value: Int) -> Int {
            if value < 0 {
                let shifted = value + length
                return shifted < 0 ? (step < 0 ? -1 : 0) : shifted
            }
            return value >= length ? (step < 0 ? length - 1 : length) : value
        }
        let first = start.map(adjust) ?? (step < 0 ? length - 1 : 0)
        let end = stop.map(adjust) ?? (step < 0 ? -1 : length)
        // range(first, end, step)'s length.
        let count = step > 0 ? (end - first + step - 1) / step : (first - end - step - 1) / -step
        return AxisSelection(start: first, step: step, count: max(count, 0), drops: false)
    }

    /// What `region` (parsed by ``parse(_:)``) selects on each axis of an array of `shape`:
    /// numpy basic indexing on the leading axes, the others whole.
    static func selections(_ region: String, shape: [Int]) throws -> [AxisSelection] {
        let components = try parse(region)
        guard components.count <= shape.count else {
            throw KernelError("region '\(region)' has \(components.count) indices for an array of rank \(shape.count) (shape \(shape))")
        }
        return try shape.indices.map { axis in
            let length = shape[axis]
            switch axis < components.count ? components[axis] : .slice(start: nil, stop: nil, step: nil) {
            case .index(let value):
                let index = value < 0 ? value + length : value
                guard index >= 0, index < length else {
                    throw KernelError("index \(value) is out of bounds for axis \(axis) with size \(length)")
                }
                return AxisSelection(start: index, step: 1, count: 1, drops: true)
            case .slice(let start, let stop, let step):
                return indices(start: start, stop: stop, step: step, length: length)
            }
        }
    }

    /// `array[region]` as a new array (numpy basic indexing on the leading axes).
    static func crop(_ array: NDArray, region: String) throws -> NDArray {
        try gather(array, try selections(region, shape: array.shape))
    }

    /// The elements `selections` (one per axis of `array`) pick, as a new array of their kept axes.
    static func gather(_ array: NDArray, _ selections: [AxisSelection]) throws -> NDArray {
        let result = try NDArray(zeros: selections.filter { !$0.drops }.map(\.count), dtype: array.dtype)
        let count = selections.reduce(1) { $0 * $1.count }
        guard count > 0 else { return result }
        // Element strides in bytes; rows along the last axis are copied with memcpy when contiguous.
        let size = array.dtype.byteSize
        var strides = [Int](repeating: size, count: array.rank)
        for axis in stride(from: array.rank - 2, through: 0, by: -1) { strides[axis] = strides[axis + 1] * array.shape[axis + 1] }
        if array.rank == 0 {
            result.storage.baseAddress.copyMemory(from: array.storage.baseAddress, byteCount: size)
            return result
        }
        let last = selections[array.rank - 1]
        let rowBytes = last.count * size
        let rows = count / last.count
        let leading = Array(selections.dropLast())
        let box = UnsafeSendableBox(value: (array.storage.baseAddress, result.storage.baseAddress))
        parallelRanges(rows, minimumChunk: 64) { range in
            let (source, destination) = box.value
            for row in range {
                // The row's source offset from its multi-index over the leading selections.
                var rest = row
                var offset = last.start * size
                for axis in stride(from: leading.count - 1, through: 0, by: -1) {
                    offset += leading[axis].index(rest % leading[axis].count) * strides[axis]
                    rest /= leading[axis].count
                }
                let target = destination + row * rowBytes
                if last.step == 1 {
                    target.copyMemory(from: source + offset, byteCount: rowBytes)
                } else {
                    for k in 0..<last.count {
                        (target + k * size).copyMemory(from: source + offset + k * last.step * size, byteCount: size)
                    }
                }
            }
        }
        return result
    }
}

/// What a crop region selects on one axis: `count` indices `start + i · step`, or (`drops`) the
/// single index `start`, which drops the axis.
struct AxisSelection: Sendable, Equatable {
    var start: Int
    var step: Int
    var count: Int
    var drops: Bool

    /// The `i`-th selected index.
    func index(_ i: Int) -> Int { start + i * step }
}

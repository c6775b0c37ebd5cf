import ImageIO

enum ConvertKernel {
    /// Converts `array` to `target`.
    ///
    /// Without `rescale`: numpy `astype`, except that float → integer clips to the target range
    /// (NaN becomes 0) before truncating towards zero, where numpy's result is undefined.
    /// Integer → integer wraps like `astype`; anything → bool is `x != 0`.
    ///
    /// With `rescale`: `[min, max]` of the array maps linearly (in float64) to the target's range —
    /// `[T.min, T.max]` for integers, rounded half to even, `[0, 1]` for floats, `[false, true]`
    /// for bool; a constant array maps to the low end.
    static func convert(_ array: NDArray, to target: DType, rescale: Bool) throws -> NDArray {
        if !rescale && target == array.dtype { return array }
        guard rescale, array.count > 0 else { return try convert(array, to: target, mapping: nil) }
        let stats = StatsKernel.compute(array)
        return try convert(array, to: target, mapping: Rescale(min: stats.min, max: stats.max, to: target))
    }

    /// The linear map of `rescale: yes`, from the array's extremes (as float64, NaN when the
    /// array holds NaN) onto the target's range.
    struct Rescale: Equatable {
        var low: Double
        var scale: Double
        var offset: Double
        var round: Bool

        init(min: Double, max: Double, to target: DType) {
            let (targetLow, targetHigh): (Double, Double) =
                switch target {
                case .bool, .float16, .float32, .float64: (0, 1)
                default: withElementType(target) { type in (type.lowestValue, type.highestValue) }
                }
            let span = max - min
            scale = span > 0 && span.isFinite ? (targetHigh - targetLow) / span : 0
            (low, offset, round) = (min, targetLow, !target.isFloatingPoint && target != .bool)
        }
    }

    /// `array` converted to `target`, by `mapping` when rescaling (the streamed rescale passes
    /// the whole array's extremes), else by the `rescale: no` rules.
    static func convert(_ array: NDArray, to target: DType, mapping: Rescale?) throws -> NDArray {
        let result = try NDArray(zeros: array.shape, dtype: target)
        guard array.count > 0 else { return result }
        withElementType(array.dtype) { sourceType in
            withElementType(target) { targetType in
                func run<S: KernelElement, D: KernelElement>(_: S.Type, _: D.Type) {
                    let box = UnsafeSendableBox(value: (array.kernelElements(S.self), result.kernelMutableElements(D.self)))
                    let sourceIsInteger = !S.dtype.isFloatingPoint
                    let targetIsInteger = !D.dtype.isFloatingPoint
                    let toBool = target == .bool
                    parallelRanges(array.count, minimumChunk: 1 << 16) { range in
                        let (source, destination) = box.value
                        if let mapping {
                            for i in range {
                                var value = (source[i].doubleValue - mapping.low) * mapping.scale + mapping.offset
                                if toBool { value = value >= 0.5 ? 1 : 0 } else if mapping.round { value = value.rounded(.toNearestOrEven) }
                                destination[i] = D(converting: value)
                            }
                        } else if toBool {
                            for i in range { destination[i] = D(converting: source[i].doubleValue != 0 || source[i].isNaNValue ? 1 : 0) }
                        } else if sourceIsInteger && targetIsInteger {
                            for i in range { destination[i] = D(truncatingWideBits: source[i].wideBits) }
                        } else {
                            for i in range { destination[i] = D(converting: source[i].doubleValue) }
                        }
                    }
                }
                run(sourceType, targetType)
            }
        }
        return result
    }
}

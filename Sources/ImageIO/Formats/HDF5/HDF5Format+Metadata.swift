import Foundation

/// HDF5's side of ``ArrayMetadata``: the `element_size_um` attribute (ilastik's and Fiji's
/// convention: the pixel size in micrometers of the spatial axes, `z y x` or `y x`).
extension HDF5Format {
    /// The attribute holding the spatial pixel sizes in micrometers.
    public static let elementSizeAttribute = "element_size_um"

    /// The metadata of dataset `path`: `z y x` (rank 3) or `y x` (rank 2) with the sizes of
    /// `element_size_um` when it has one per dimension; `nil` otherwise. Variable-length strings
    /// are not read (see docs/imageio.md on untrusted files).
    static func metadata(in file: HDF5File, path: String, rank: Int) -> ArrayMetadata? {
        guard (2...3).contains(rank),
            let found = try? file.attributes(of: path, variableLengthStrings: false).first(where: { $0.name == elementSizeAttribute })
        else { return nil }
        let sizes: [Double]
        switch found.value {
        case .numbers(let values): sizes = values
        case .integers(let values): sizes = values.map(Double.init)
        default: return nil
        }
        guard sizes.count == rank, sizes.allSatisfy({ $0 > 0 && $0.isFinite }) else { return nil }
        let names = rank == 3 ? ["z", "y", "x"] : ["y", "x"]
        return ArrayMetadata(axes: zip(names, sizes).map { ArrayMetadata.Axis(name: $0, scale: $1, unit: "micrometer") })
    }

    /// `element_size_um` for `array`: the scales of its spatial axes (`z`, `y`, `x`, in that
    /// order, the trailing dimensions) when they are all known in micrometers; `nil` otherwise.
    public static func elementSize(of array: NDArray) -> [Double]? {
        elementSize(metadata: array.metadata, rank: array.rank)
    }

    /// ``elementSize(of:)`` of an array of `rank` dimensions with `metadata`.
    public static func elementSize(metadata: ArrayMetadata?, rank: Int) -> [Double]? {
        guard let axes = metadata?.axes else { return nil }
        let spatial = Array(axes.drop { !["z", "y", "x"].contains($0.name) })
        guard spatial.count >= 2, spatial.count == rank, ["zyx", "yx"].contains(spatial.map(\.name).joined()) else { return nil }
        var sizes: [Double] = []
        for axis in spatial {
            guard let scale = axis.scale, axis.unit == nil || axis.unit == "micrometer" else { return nil }
            sizes.append(scale)
        }
        return sizes
    }
}

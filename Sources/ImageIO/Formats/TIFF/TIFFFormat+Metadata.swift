import Foundation

/// TIFF's side of ``ArrayMetadata``: ImageJ hyperstack axes (`frames`, `slices`, `channels`),
/// `spacing`, `unit`, `finterval`, and the X/YResolution tags.
extension TIFFFormat {
    /// The metadata of a TIFF read: for an ImageJ hyperstack reshaped to `[t, z, c, y, x]`
    /// (extents of 1 dropped), its axes with `spacing` (Z), `finterval` (T) and the resolution
    /// tags (Y, X) in the description's `unit`; for a single page with an inch or centimeter
    /// ResolutionUnit, `y`, `x` in micrometers. `nil` otherwise.
    static func metadata(of image: TIFFImage) -> ArrayMetadata? {
        let rank = image.array.rank
        var xy: (y: Double?, x: Double?, unit: String?) = (nil, nil, nil)
        if let resolution = image.resolution {
            switch resolution.unit {
            case 2: xy = (25_400 / resolution.y, 25_400 / resolution.x, "micrometer")
            case 3: xy = (10_000 / resolution.y, 10_000 / resolution.x, "micrometer")
            default: xy = (1 / resolution.y, 1 / resolution.x, nil)
            }
        }
        guard let imageJ = image.imageJ else {
            // Without ImageJ's unit, only an absolute ResolutionUnit (inch, cm) calibrates: the
            // 1 pixel per unit "none" that tifffile writes by default says nothing.
            guard rank == 2, let unit = image.resolution?.unit, unit == 2 || unit == 3 else { return nil }
            return ArrayMetadata(axes: [.init(name: "y", scale: xy.y, unit: xy.unit), .init(name: "x", scale: xy.x, unit: xy.unit)])
        }
        let fields = Dictionary(imageJ.otherFields.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        let unit = fields["unit"].map(Self.unitName) ?? xy.unit
        var axes: [ArrayMetadata.Axis] = []
        if imageJ.frames > 1 {
            axes.append(
                .init(name: "t", scale: fields["finterval"].flatMap(Double.init), unit: fields["tunit"].map(Self.unitName) ?? "second"))
        }
        if imageJ.slices > 1 { axes.append(.init(name: "z", scale: fields["spacing"].flatMap(Double.init), unit: unit)) }
        if imageJ.channels > 1 { axes.append(.init(name: "c")) }
        axes += [.init(name: "y", scale: xy.y, unit: unit), .init(name: "x", scale: xy.x, unit: unit)]
        return axes.count == rank ? ArrayMetadata(axes: axes) : nil
    }

    /// ImageJ metadata for `array` from its ``NDArray/metadata``, when its axes are a
    /// subsequence of `t z c` followed by `y x` (ImageJ's page order): the extents as frames,
    /// slices and channels, `spacing`, `finterval`, `unit`, and the resolution tags (pixels per
    /// unit, ResolutionUnit none as ImageJ writes). `nil` without such metadata (the shape decides).
    static func imageJ(for array: NDArray) -> (ImageJMetadata, (x: Double, y: Double, unit: UInt16)?)? {
        imageJ(shape: array.shape, metadata: array.metadata)
    }

    /// ``imageJ(for:)`` of an array of `shape` with `metadata`.
    static func imageJ(shape: [Int], metadata: ArrayMetadata?) -> (ImageJMetadata, (x: Double, y: Double, unit: UInt16)?)? {
        guard let metadata, metadata.axes.count >= 2 else { return nil }
        let names = metadata.axes.map(\.name)
        guard Array(names.suffix(2)) == ["y", "x"] else { return nil }
        let leading = Array(names.dropLast(2))
        let order = ["t", "z", "c"]
        let positions = leading.compactMap { order.firstIndex(of: $0) }
        guard positions.count == leading.count, positions == positions.sorted(), Set(positions).count == positions.count else { return nil }
        func extent(_ name: String) -> Int { names.firstIndex(of: name).map { shape[$0] } ?? 1 }
        func axis(_ name: String) -> ArrayMetadata.Axis? { metadata.axes.first { $0.name == name } }
        var fields: [(key: String, value: String)] = []
        if let unit = axis("x")?.unit ?? axis("z")?.unit { fields.append((key: "unit", value: Self.imageJUnit(unit))) }
        if let spacing = axis("z")?.scale { fields.append((key: "spacing", value: "\(spacing)")) }
        if let interval = axis("t")?.scale { fields.append((key: "finterval", value: "\(interval)")) }
        let imageJ = ImageJMetadata(
            images: shape.dropLast(2).reduce(1, *), channels: extent("c"), slices: extent("z"),
            frames: extent("t"), otherFields: fields)
        var resolution: (x: Double, y: Double, unit: UInt16)?
        if let x = axis("x")?.scale, let y = axis("y")?.scale, x > 0, y > 0 { resolution = (1 / x, 1 / y, 1) }
        return (imageJ, resolution)
    }

    /// ImageJ's unit spellings as OME-NGFF names (`micron`, `um`, `µm` → `micrometer`).
    static func unitName(_ text: String) -> String {
        switch text.lowercased() {
        case "micron", "microns", "um", "µm", "\\u00b5m", "μm": "micrometer"
        case "nm": "nanometer"
        case "mm": "millimeter"
        case "sec", "s": "second"
        case "ms": "millisecond"
        default: text
        }
    }

    /// The unit as ImageJ writes it (`micrometer` → `micron`).
    static func imageJUnit(_ name: String) -> String {
        switch name {
        case "micrometer": "micron"
        case "nanometer": "nm"
        case "millimeter": "mm"
        default: name
        }
    }
}

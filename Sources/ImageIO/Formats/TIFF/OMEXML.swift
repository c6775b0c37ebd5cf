import Foundation

/// The OME-XML (schema 2016-06) an OME-TIFF carries in its first page's ImageDescription: one
/// Image whose Pixels are the file's pages in `XYCZT` order (channel fastest, as the pages of a
/// C-order `[t, z, c, y, x]` array lie), with physical sizes from ``ArrayMetadata``.
enum OMEXML {
    /// The OME `Pixels/@Type` of `dtype`, or `nil` for dtypes OME has none for.
    static func pixelType(_ dtype: DType) -> String? {
        switch dtype {
        case .uint8, .bool: "uint8"
        case .uint16: "uint16"
        case .uint32: "uint32"
        case .int8: "int8"
        case .int16: "int16"
        case .int32: "int32"
        case .float32: "float"
        case .float64: "double"
        default: nil
        }
    }

    /// The sizes of `t`, `z`, `c` for `array`: from its metadata when its axes are a
    /// subsequence of `t z c` then `y x`, else by rank (`[z, y, x]`, `[z, c, y, x]`,
    /// `[t, z, c, y, x]`). `nil` for other ranks or axes.
    static func dimensions(of array: NDArray) -> (t: Int, z: Int, c: Int)? {
        dimensions(shape: array.shape, metadata: array.metadata)
    }

    /// ``dimensions(of:)`` of an array of `shape` with `metadata`.
    static func dimensions(shape: [Int], metadata: ArrayMetadata?) -> (t: Int, z: Int, c: Int)? {
        let names: [String]
        if let metadata {
            names = metadata.axes.map(\.name)
        } else {
            switch shape.count {
            case 2: names = ["y", "x"]
            case 3: names = ["z", "y", "x"]
            case 4: names = ["z", "c", "y", "x"]
            case 5: names = ["t", "z", "c", "y", "x"]
            default: return nil
            }
        }
        guard names.count == shape.count, Array(names.suffix(2)) == ["y", "x"] else { return nil }
        let order = ["t", "z", "c"]
        let leading = names.dropLast(2)
        let positions = leading.compactMap { order.firstIndex(of: $0) }
        guard positions.count == leading.count, positions == positions.sorted(), Set(positions).count == positions.count else { return nil }
        func extent(_ name: String) -> Int { names.firstIndex(of: name).map { shape[$0] } ?? 1 }
        return (extent("t"), extent("z"), extent("c"))
    }

    /// The OME-XML document for an array of `shape`, `dtype` and `metadata` written as a TIFF at `file`.
    static func document(shape: [Int], dtype: DType, metadata: ArrayMetadata?, name: String, file: String) throws(TIFFError) -> String {
        guard let type = pixelType(dtype) else {
            throw .invalidArray(file: file, reason: "OME-TIFF has no pixel type for \(dtype)")
        }
        guard let (t, z, c) = dimensions(shape: shape, metadata: metadata) else {
            throw .invalidArray(
                file: file,
                reason: "OME-TIFF takes [y, x] up to [t, z, c, y, x] (axes \(metadata?.axisNames ?? "by rank"), shape \(shape))"
            )
        }
        let height = shape[shape.count - 2]
        let width = shape[shape.count - 1]
        var pixels =
            #"<Pixels ID="Pixels:0" DimensionOrder="XYCZT" Type="\#(type)" BigEndian="false" SizeX="\#(width)" SizeY="\#(height)" SizeC="\#(c)" SizeZ="\#(z)" SizeT="\#(t)""#
        for axis in metadata?.axes ?? [] {
            guard let scale = axis.scale, scale > 0 else { continue }
            switch axis.name {
            case "x", "y", "z":
                pixels += #" PhysicalSize\#(axis.name.uppercased())="\#(scale)""#
                if let unit = axis.unit.flatMap(Self.unitSymbol) { pixels += #" PhysicalSize\#(axis.name.uppercased())Unit="\#(unit)""# }
            case "t":
                pixels += #" TimeIncrement="\#(scale)""#
                if let unit = axis.unit.flatMap(Self.unitSymbol) { pixels += #" TimeIncrementUnit="\#(unit)""# }
            default: break
            }
        }
        pixels += ">"
        let channelNames = metadata?.channelNames
        let channels = (0..<c).map { index in
            let label = channelNames.flatMap { $0.indices.contains(index) ? #" Name="\#(escaped($0[index]))""# : nil } ?? ""
            return #"<Channel ID="Channel:0:\#(index)"\#(label) SamplesPerPixel="1"><LightPath/></Channel>"#
        }.joined()
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <OME xmlns="http://www.openmicroscopy.org/Schemas/OME/2016-06" \
            xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
            xsi:schemaLocation="http://www.openmicroscopy.org/Schemas/OME/2016-06 http://www.openmicroscopy.org/Schemas/OME/2016-06/ome.xsd" \
            Creator="imjoy-run"><Image ID="Image:0" Name="\(escaped(name))">\(pixels)\(channels)<TiffData IFD="0" PlaneCount="\(t * z * c)"/></Pixels></Image></OME>
            """
    }

    /// OME's unit symbols for NGFF unit names (`micrometer` → `µm`); `nil` for unknown ones.
    static func unitSymbol(_ name: String) -> String? {
        switch name {
        case "micrometer": "µm"
        case "nanometer": "nm"
        case "millimeter": "mm"
        case "meter": "m"
        case "second": "s"
        case "millisecond": "ms"
        case "minute": "min"
        case "hour": "h"
        default: nil
        }
    }

    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

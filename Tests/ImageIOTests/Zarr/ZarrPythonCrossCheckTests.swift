import Foundation
import ImJoySchema
import Testing

@testable import ImageIO

/// Our stores read by zarr-python and ome-zarr-py; zarr-python's stores read by ours.
@Suite(
    "Zarr cross-checks with zarr-python and ome-zarr-py",
    .enabled(if: ZarrTestSupport.hasZarrPython, "python3 with zarr>=3, numcodecs and ome_zarr is not installed (scripts/setup)"))
struct ZarrPythonCrossCheckTests {
    static let readScript = """
        import sys, json, zarr, numpy as np
        from ome_zarr.io import parse_url
        from ome_zarr.reader import Reader
        store, raw = sys.argv[1], sys.argv[2]
        group = zarr.open_group(store, mode="r")
        a = group["0"][...]
        a.astype(a.dtype.newbyteorder("<")).tofile(raw)
        node = list(Reader(parse_url(store))())[0]
        ms = node.metadata
        print(json.dumps({"shape": list(a.shape), "dtype": str(a.dtype), "levels": len(node.data),
            "level_shapes": [list(d.shape) for d in node.data],
            "axes": ms["axes"], "scales": [t[0]["scale"] for t in ms["coordinateTransformations"]],
            "format": group.metadata.zarr_format}))
        """

    @Test(
        "zarr-python reads our store bit-exact; ome-zarr-py sees the axes, scales and levels", arguments: ZarrArrayMetadata.Format.allCases,
        [ZarrCompressor.bloscDefault, .zstd(level: 3)])
    func ourStoreReadByPython(format: ZarrArrayMetadata.Format, compressor: ZarrCompressor) throws {
        let folder = try ZarrTestSupport.makeFolder()
        defer { ZarrTestSupport.remove(folder) }
        let store = folder.appendingPathComponent("ours.zarr")
        let raw = folder.appendingPathComponent("raw.bin")
        let array = try ZarrTestSupport.ramp([3, 45, 70])
        let axes = [
            OMEAxis(name: "z", type: "space", unit: "micrometer"), OMEAxis(name: "y", type: "space", unit: "micrometer"),
            OMEAxis(name: "x", type: "space", unit: "micrometer"),
        ]
        try OMEZarr.write(
            array, axes: axes, scale: [1.5, 0.2, 0.2], to: store,
            options: OMEZarrWriteOptions(format: format, chunkShape: [1, 32, 32], compressor: compressor, pyramidLevels: 2))
        let facts = try ZarrTestSupport.pythonJSON(Self.readScript, [store.path, raw.path])
        #expect(facts["format"]?.intValue == format.rawValue)
        #expect(facts["shape"] == [3, 45, 70])
        #expect(facts["dtype"]?.stringValue == "uint16")
        #expect(facts["levels"]?.intValue == 3)
        #expect(facts["level_shapes"] == [[3, 45, 70], [3, 23, 35], [3, 12, 18]])
        #expect(facts["axes"]?[2]?["unit"]?.stringValue == "micrometer")
        #expect(facts["axes"]?[0]?["name"]?.stringValue == "z")
        #expect(facts["scales"] == [[1.5, 0.2, 0.2], [1.5, 0.4, 0.4], [1.5, 0.8, 0.8]])
        let bytes = try Data(contentsOf: raw)
        #expect(array.withUnsafeBytes { Data($0) } == bytes)
    }

    static let writeScript = """
        import sys, zarr, numpy as np, numcodecs
        from zarr.codecs import BloscCodec, ZstdCodec, BytesCodec
        store, kind, raw = sys.argv[1], sys.argv[2], sys.argv[3]
        a = (np.arange(2 * 50 * 33, dtype=np.int64) * 7 % 65521).astype(np.uint16).reshape(2, 50, 33)
        if kind == "v2-blosc":
            z = zarr.create_array(store, shape=a.shape, chunks=(1, 16, 16), dtype="uint16", zarr_format=2,
                compressors=numcodecs.Blosc(cname="lz4", clevel=5, shuffle=numcodecs.Blosc.SHUFFLE))
        elif kind == "v2-zstd":
            z = zarr.create_array(store, shape=a.shape, chunks=(1, 16, 16), dtype="uint16", zarr_format=2,
                compressors=numcodecs.Zstd(level=3), chunk_key_encoding={"name": "v2", "separator": "/"})
        elif kind == "v2-big":
            z = zarr.create_array(store, shape=a.shape, chunks=(2, 20, 20), dtype=">u2", zarr_format=2, compressors=None)
        elif kind == "v3-blosc":
            z = zarr.create_array(store, shape=a.shape, chunks=(1, 16, 16), dtype="uint16", zarr_format=3,
                compressors=BloscCodec(cname="lz4", clevel=5, shuffle="shuffle"))
        else:
            z = zarr.create_array(store, shape=a.shape, chunks=(1, 16, 16), dtype="uint16", zarr_format=3)
        z[...] = a
        print(z.metadata.to_dict() if hasattr(z.metadata, "to_dict") else "", file=sys.stderr)
        """

    @Test("stores written by zarr-python read bit-exact", arguments: ["v2-blosc", "v2-zstd", "v2-big", "v3-blosc", "v3-default"])
    func pythonStoreReadByUs(kind: String) throws {
        let folder = try ZarrTestSupport.makeFolder()
        defer { ZarrTestSupport.remove(folder) }
        let store = folder.appendingPathComponent("theirs.zarr")
        let output = try ZarrTestSupport.python(Self.writeScript, [store.path, kind, ""])
        try #require(output.status == 0, "\(output.stderr)")
        let array = try ZarrArray(store: store)
        #expect(try array.read() == ZarrTestSupport.ramp([2, 50, 33]))
        if kind == "v2-big" { #expect(array.metadata.bigEndian) }
        if kind.hasSuffix("blosc") { #expect(array.metadata.compressor == .bloscDefault) }
    }
}

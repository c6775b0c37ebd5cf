import Foundation
import ImJoySchema
import ImageIO
import TestSupport
import Testing

@testable import ImJoyEngine

/// The issue's matrix: a calibrated ZYX stack and a TCZYX hyperstack (ImageJ TIFFs written by
/// tifffile) go through read → gaussian → max-projection over z, and both the smoothed stack and
/// its projection are written in every format — ImageJ TIFF, OME-TIFF, OME-Zarr, HDF5. Independent
/// readers (tifffile, ome-types with schema validation, zarr-python, h5py) must find the axes,
/// pixel sizes, units and time step of the input, the projection without its z axis. HDF5's
/// `element_size_um` convention holds spatial sizes only, so the 5-d and 4-d results carry none
/// there (docs/imageio.md).
@Suite(
    .enabled(
        if: ZarrWorkflowConditions.hasZarrPython && OMETIFFConditions.hasOMETypes,
        "python3 with tifffile, h5py, zarr>=3, ome_zarr and ome-types is not installed (scripts/setup)"))
struct MetadataMatrixTests {
    static let writeInputs = """
        import sys, numpy as np, tifffile
        z = np.arange(4 * 12 * 10, dtype=np.uint16).reshape(4, 12, 10)
        tifffile.imwrite(sys.argv[1] + '/zyx.tif', z, imagej=True, resolution=(1 / 0.25, 1 / 0.25),
                         metadata={'axes': 'ZYX', 'spacing': 2.0, 'unit': 'um'})
        h = np.arange(2 * 3 * 2 * 12 * 10, dtype=np.uint16).reshape(2, 3, 2, 12, 10)
        tifffile.imwrite(sys.argv[1] + '/tczyx.tif', h, imagej=True, resolution=(2.0, 2.0),
                         metadata={'axes': 'TZCYX', 'spacing': 1.5, 'unit': 'um', 'finterval': 30.0})
        """

    /// One line per output: `axes` (lower case), then `name=size unit` for every calibrated axis,
    /// in the file's own terms, read by each format's reference reader.
    static let describe = """
        import sys, json, tifffile, h5py, zarr, ome_types
        def imagej(path):
            with tifffile.TiffFile(path) as t:
                m, axes = t.imagej_metadata, t.series[0].axes.lower()
                x = t.pages[0].tags['XResolution'].value
                out = [axes, f"x={x[1] / x[0]:g} {m.get('unit')}"]
                if 'z' in axes: out.append(f"z={m.get('spacing'):g} {m.get('unit')}")
                if 't' in axes: out.append(f"t={m.get('finterval'):g}")
                return " ".join(out)
        def ome(path):
            with tifffile.TiffFile(path) as t:
                p = ome_types.from_xml(t.ome_metadata, validate=True).images[0].pixels
                out = [t.series[0].axes.lower(), f"x={p.physical_size_x:g} {p.physical_size_x_unit.value}",
                       f"y={p.physical_size_y:g} {p.physical_size_y_unit.value}"]
                if p.physical_size_z is not None: out.append(f"z={p.physical_size_z:g} {p.physical_size_z_unit.value}")
                if p.time_increment is not None: out.append(f"t={p.time_increment:g}")
                return " ".join(out)
        def omezarr(path):
            m = dict(zarr.open_group(path, mode='r').attrs)['multiscales'][0]
            scale = m['datasets'][0]['coordinateTransformations'][0]['scale']
            axes = m['axes']
            out = ["".join(a['name'] for a in axes)]
            out += [f"{a['name']}={s:g} {a.get('unit')}" for a, s in zip(axes, scale) if a['name'] in 'tzyx']
            return " ".join(out)
        def hdf5(path, name):
            with h5py.File(path, 'r') as f:
                d = f[name]
                sizes = d.attrs.get('element_size_um')
                return f"rank={d.ndim} element_size_um=" + (",".join(f"{v:g}" for v in sizes) if sizes is not None else "none")
        out = {}
        for item in sys.argv[2:]:
            base = sys.argv[1] + '/' + item
            for what in ['smooth', 'proj']:
                out[f'{item} {what} imagej'] = imagej(f'{base}_{what}_ij.tif')
                out[f'{item} {what} ome-tiff'] = ome(f'{base}_{what}.ome.tif')
                out[f'{item} {what} ome-zarr'] = omezarr(f'{base}_{what}.ome.zarr')
                out[f'{item} {what} hdf5'] = hdf5(base + '.h5', what)
        print(json.dumps(out))
        """

    /// The workflow for one input, projecting over `zAxis`.
    static func workflow(glob: String, zAxis: Int) -> String {
        func writers(_ op: String) -> String {
            """
            {"id": "\(op)-ij", "builtin": "write-tiff", "data": "$\(op)", "config": {"path": "{item}_\(op)_ij.tif", "imagej": "yes"}},
            {"id": "\(op)-ome", "builtin": "write-tiff", "data": "$\(op)", "config": {"path": "{item}_\(op).ome.tif"}},
            {"id": "\(op)-zarr", "builtin": "write-zarr", "data": "$\(op)", "config": {"path": "{item}_\(op).ome.zarr"}},
            {"id": "\(op)-h5", "builtin": "write-hdf5", "data": "$\(op)", "config": {"path": "{item}.h5", "dataset": "\(op)"}}
            """
        }
        return """
            {"name": "matrix", "version": "1.0", "inputs": {"images": {"glob": "\(glob)"}},
             "ops": [{"id": "load", "builtin": "read-tiff"},
                     {"id": "smooth", "builtin": "gaussian", "config": {"sigma": 1}, "data": "$load"},
                     {"id": "proj", "builtin": "max-projection", "config": {"axis": \(zAxis)}, "data": "$smooth"},
                     \(writers("smooth")),
                     \(writers("proj"))]}
            """
    }

    static let expected: [String: String] = [
        "zyx smooth imagej": "zyx x=0.25 micron z=2 micron",
        "zyx smooth ome-tiff": "zyx x=0.25 µm y=0.25 µm z=2 µm",
        "zyx smooth ome-zarr": "zyx z=2 micrometer y=0.25 micrometer x=0.25 micrometer",
        "zyx smooth hdf5": "rank=3 element_size_um=2,0.25,0.25",
        "zyx proj imagej": "yx x=0.25 micron",
        "zyx proj ome-tiff": "yx x=0.25 µm y=0.25 µm",
        "zyx proj ome-zarr": "yx y=0.25 micrometer x=0.25 micrometer",
        "zyx proj hdf5": "rank=2 element_size_um=0.25,0.25",
        "tczyx smooth imagej": "tzcyx x=0.5 micron z=1.5 micron t=30",
        "tczyx smooth ome-tiff": "tzcyx x=0.5 µm y=0.5 µm z=1.5 µm t=30",
        "tczyx smooth ome-zarr": "tzcyx t=30 second z=1.5 micrometer y=0.5 micrometer x=0.5 micrometer",
        "tczyx smooth hdf5": "rank=5 element_size_um=none",
        "tczyx proj imagej": "tcyx x=0.5 micron t=30",
        "tczyx proj ome-tiff": "tcyx x=0.5 µm y=0.5 µm t=30",
        "tczyx proj ome-zarr": "tcyx t=30 second y=0.5 micrometer x=0.5 micrometer",
        "tczyx proj hdf5": "rank=4 element_size_um=none",
    ]

    @Test func axesSizesAndUnitsSurviveEveryFormat() throws {
        let folder = try TemporaryDirectory("metadata-matrix")
        let written = try CommandRunner.python(Self.writeInputs, [folder.path])
        try #require(written.status == 0, "\(written.standardError)")
        for (item, zAxis) in [("zyx", 0), ("tczyx", 1)] {
            try Self.workflow(glob: "\(item).tif", zAxis: zAxis).write(
                to: folder.appending("\(item).json"), atomically: true, encoding: .utf8)
            let run = try CommandRunner.imjoyRun(["run", "\(item).json", "--out", "out", "--no-cache"], in: folder.url)
            try #require(run.status == 0, "\(run.standardError)")
        }
        let result = try CommandRunner.python(Self.describe, [folder.appending("out").path, "zyx", "tczyx"])
        try #require(result.status == 0, "\(result.standardError)")
        let facts = try JSONDecoder().decode([String: String].self, from: Data(result.standardOutput.utf8))
        for (key, value) in Self.expected.sorted(by: { $0.key < $1.key }) {
            #expect(facts[key] == value, "\(key)")
        }
    }
}

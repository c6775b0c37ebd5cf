import Foundation
import ImJoySchema
import ImageIO
import TestSupport
import Testing

@testable import ImJoyEngine

/// HDF5's `element_size_um` read into the array's metadata (read-hdf5 → gaussian → OME-Zarr keeps
/// the Z, Y, X pixel sizes) and written by `convert` to HDF5, checked with h5py.
@Suite(.enabled(if: ZarrWorkflowConditions.hasZarrPython, "python3 with h5py, zarr>=3 and ome_zarr is not installed (scripts/setup)"))
struct HDF5MetadataTests {
    @Test func elementSizeTravelsIntoZarrAndBack() throws {
        let fixture = try RunFixture(
            count: 0,
            workflow: """
                {"name": "m", "version": "1.0", "inputs": {"images": {"glob": "*.h5"}},
                 "ops": [{"id": "load", "builtin": "read-hdf5", "config": {"dataset": "raw"}},
                         {"id": "smooth", "builtin": "gaussian", "config": {"sigma": 1}, "output": {"format": "zarr"}}]}
                """)
        defer { fixture.remove() }
        let written = try CommandRunner.python(
            """
            import sys, h5py, numpy as np
            with h5py.File(sys.argv[1] + '/vol.h5', 'w') as f:
                d = f.create_dataset('raw', data=np.arange(3 * 8 * 9, dtype=np.uint16).reshape(3, 8, 9))
                d.attrs['element_size_um'] = [2.0, 0.5, 0.25]
            """, [fixture.directory.path])
        try #require(written.status == 0, "\(written.standardError)")
        let summary = try fixture.run()
        #expect(summary.status == .succeeded, "\(summary.warnings)")
        let store = fixture.out.appendingPathComponent("vol/smooth.zarr")
        let smoothed = try ZarrFormat.readImage(store, level: 0)
        #expect(
            smoothed.metadata
                == ArrayMetadata(axes: [
                    .init(name: "z", scale: 2, unit: "micrometer"),
                    .init(name: "y", scale: 0.5, unit: "micrometer"),
                    .init(name: "x", scale: 0.25, unit: "micrometer"),
                ]))
        let h5 = fixture.directory.appendingPathComponent("back.h5").path
        let converted = try CommandRunner.imjoyRun(["convert", store.path, h5])
        try #require(converted.status == 0, "\(converted.standardError)")
        let check = try CommandRunner.python(
            """
            import sys, h5py
            with h5py.File(sys.argv[1], 'r') as f:
                print([float(v) for v in f['data'].attrs['element_size_um']])
            """, [h5])
        #expect(
            check.status == 0 && check.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "[2.0, 0.5, 0.25]",
            "\(check.standardOutput) \(check.standardError)")
    }
}

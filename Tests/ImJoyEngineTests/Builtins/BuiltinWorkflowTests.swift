import Foundation
import ImJoyPlugin
import ImJoySchema
import ImJoyWorkflow
import ImageIO
import TestSupport
import Testing

@testable import ImJoyEngine

/// A nuclei-like workflow run end to end with the built-in invoker and the output writer.
@Suite struct BuiltinWorkflowTests {
    @Test func nucleiWorkflowRunsOnGeneratedTIFFs() throws {
        // Three images of bright blobs on a dark, noisy background.
        let reference = try PythonReference(
            """
            import tifffile
            import os
            os.makedirs(DIR + '/data')
            rng = np.random.default_rng(0)
            for i in range(3):
                yy, xx = np.mgrid[0:48, 0:64]
                img = rng.normal(100, 10, (48, 64))
                for _ in range(4):
                    cy, cx = rng.integers(8, 40), rng.integers(8, 56)
                    img += 800 * np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / 20.0)
                tifffile.imwrite(DIR + f'/data/nucleus_{i}.tif', np.clip(img, 0, 65535).astype(np.uint16))
            """)
        defer { reference.remove() }
        let directory = reference.directory
        let workflowText = """
            {
              "name": "nuclei",
              "inputs": {"images": {"glob": "data/*.tif"}},
              "ops": [
                {"id": "load", "builtin": "read-tiff", "data": "$inputs.images"},
                {"id": "smooth", "builtin": "gaussian", "config": {"sigma": 2}},
                {"id": "mask", "builtin": "threshold", "config": {"method": "otsu", "foreground": 255}},
                {"id": "stats", "builtin": "stats", "data": "$smooth"},
                {"id": "save-mask", "builtin": "write-tiff", "config": {"path": "{stem}_mask.tif", "compression": "deflate"}, "data": "$mask"},
                {"id": "save-smooth", "builtin": "write-hdf5", "config": {"path": "{stem}.h5", "dataset": "smooth"}, "data": "$smooth"},
                {"id": "save-all", "builtin": "write-hdf5", "config": {"path": "all.h5", "dataset": "mask"}, "data": "$mask"},
                {"id": "norm", "builtin": "normalize", "data": "$load"}
              ]
            }
            """
        let file = directory.appendingPathComponent("nuclei.json").path
        try workflowText.write(toFile: file, atomically: true, encoding: .utf8)
        let workflow = try WorkflowLoader.load(contentsOf: file)
        let plan = try WorkflowPlan(WorkflowValidator(resolver: PluginResolver(environment: [:])).validate(workflow))
        let out = directory.appendingPathComponent("out")
        let options = RunOptions(jobs: 2, outputDirectory: out.path)
        let files = SharedHDF5Files()
        let executor = WorkflowExecutor(
            plan: plan, invoker: BuiltinInvoker(baseDirectory: workflow.baseDirectory, hdf5Files: files), options: options,
            sink: OutputWriter(options: options, defaults: workflow.output, hdf5Files: files))
        let summary = executor.run()
        #expect(try files.finish().map { ($0 as NSString).lastPathComponent } == ["all.h5"])
        #expect(summary.failures.isEmpty, "\(summary.failures)")
        #expect(summary.exitCode == 0)
        let stems = ["nucleus_0", "nucleus_1", "nucleus_2"]
        var expectedOutputs = ["all.h5", "all.h5", "all.h5"]
        for stem in stems {
            expectedOutputs += ["\(stem)_mask.tif", "\(stem).h5", "\(stem)/stats.json", "\(stem)/norm.tif"]
        }
        #expect(summary.outputs == expectedOutputs.sorted())

        let check = try PythonReference(
            """
            import json, tifffile, h5py
            import scipy.ndimage as ndi
            out = sys.argv[2]
            problems = []
            with h5py.File(out + '/all.h5') as shared:
                value('shared', sorted(shared.keys()))
                for stem in \(stems):
                    img = tifffile.imread(sys.argv[3] + f'/data/{stem}.tif')
                    smooth = ndi.gaussian_filter(img.astype(np.float32), 2)
                    mask = tifffile.imread(out + f'/{stem}_mask.tif')
                    expected = np.where(smooth > otsu_reference(smooth), 255, 0).astype(np.uint8)
                    if mask.dtype != np.uint8 or (mask != expected).sum() > 0:
                        problems.append(f'{stem}: mask differs in {(mask != expected).sum()} pixels')
                    if not np.array_equal(shared[stem + '/mask'][()], mask):
                        problems.append(f'{stem}: all.h5 mask differs')
                    with h5py.File(out + f'/{stem}.h5') as f:
                        s = f['smooth'][()]
                        if s.dtype != np.float32 or np.abs(s - smooth).max() > 1e-4 * np.abs(smooth).max():
                            problems.append(f'{stem}: smooth differs')
                    stats = json.load(open(out + f'/{stem}/stats.json'))
                    if abs(stats['mean'] - smooth.astype(np.float64).mean()) > 1e-3 or stats['shape'] != [48, 64]:
                        problems.append(f'{stem}: stats {stats}')
                    norm = tifffile.imread(out + f'/{stem}/norm.tif')
                    lo, hi = np.percentile(img, [1, 99.8])
                    want = np.clip((img - lo) / (hi - lo), 0, 1).astype(np.float32)
                    if np.abs(norm - want).max() > 1e-6:
                        problems.append(f'{stem}: norm differs')
            value('problems', problems)
            """, arguments: [out.path, directory.path])
        defer { check.remove() }
        #expect(try check.value("problems") == [])
        #expect(try check.value("shared") == ["nucleus_0", "nucleus_1", "nucleus_2"])
    }
}

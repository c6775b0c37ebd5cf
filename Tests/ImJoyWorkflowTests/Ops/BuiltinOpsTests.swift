import ImJoySchema
import Testing

@testable import ImJoyWorkflow

@Suite struct BuiltinOpsTests {
    @Test func catalogHasEveryBuiltinWithParsedUI() {
        let names = BuiltinOps.all.map(\.name)
        #expect(
            names == [
                "read-tiff", "read-hdf5", "read-zarr", "write-tiff", "write-hdf5", "write-zarr", "gaussian", "threshold", "normalize",
                "max-projection", "mean-projection", "crop", "convert-dtype", "stats",
            ])
        #expect(BuiltinOps.all.allSatisfy { $0.isFunctional && $0.inputs != nil && $0.outputs != nil })
        let gaussian = BuiltinOps.description("gaussian")!
        #expect(gaussian.mergedConfig([:]) == ["sigma": 1, "truncate": 4, "mode": "reflect"])
    }

    @Test func configProblemsCheckBoundsOptionsAndKeys() {
        let threshold = BuiltinOps.description("threshold")!
        #expect(threshold.configProblems(["method": "mean", "value": 3]).isEmpty)
        #expect(threshold.configProblems(["method": "triangle"]).map(\.key) == ["method"])
        #expect(threshold.configProblems(["foreground": 0]).first?.message.contains("below the minimum 1") == true)
        #expect(threshold.configProblems(["nope": 1]).first?.message.contains("unknown config key") == true)
    }
}

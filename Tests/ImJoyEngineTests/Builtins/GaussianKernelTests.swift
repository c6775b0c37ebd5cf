import Foundation
import ImageIO
import Testing

@testable import ImJoyEngine

@Suite struct GaussianKernelTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var shape: [Int]
        var dtype: String
        var sigma: [Double]
        var truncate: Double
        var testDescription: String { "\(shape) \(dtype) sigma \(sigma) truncate \(truncate)" }
    }

    static let cases: [Case] = [
        Case(shape: [17, 23], dtype: "float32", sigma: [1.5], truncate: 4),
        Case(shape: [4, 9, 11], dtype: "uint16", sigma: [2], truncate: 4),
        Case(shape: [1, 15], dtype: "float64", sigma: [1], truncate: 4),
        Case(shape: [15, 1], dtype: "int16", sigma: [3], truncate: 2.5),
        Case(shape: [5, 7], dtype: "uint8", sigma: [10], truncate: 4),
        Case(shape: [6, 8], dtype: "float32", sigma: [0, 2], truncate: 4),
        Case(shape: [3, 2, 40], dtype: "int32", sigma: [0.7, 1, 5.5], truncate: 3),
        Case(shape: [1], dtype: "float32", sigma: [2], truncate: 4),
    ]

    /// Every border mode against scipy (one Python run per case).
    @Test(arguments: cases)
    func matchesScipy(_ test: Case) throws {
        let sigma = test.sigma.count == 1 ? "\(test.sigma[0])" : "\(test.sigma)"
        let reference = try PythonReference(
            """
            import scipy.ndimage as ndi
            a = sample(\(test.shape), '\(test.dtype)', seed=3)
            save('input', a)
            for mode in ['reflect', 'nearest', 'mirror', 'wrap', 'constant']:
                save(mode, ndi.gaussian_filter(a.astype(np.float32), \(sigma), mode=mode, truncate=\(test.truncate)))
            """)
        defer { reference.remove() }
        let input = try reference.array("input")
        for mode in BorderMode.allCases {
            let result = try GaussianKernel.apply(input, sigma: test.sigma, truncate: test.truncate, mode: mode)
            let expected = try reference.array(mode.rawValue)
            #expect(result.dtype == .float32)
            #expect(result.shape == expected.shape)
            let difference = try maxAbsDifference(result, expected)
            #expect(difference <= 1e-4 * max(try maxAbs(expected), 1e-30), "\(mode): max abs difference \(difference)")
        }
    }

    @Test func sigmaZeroCopiesAsFloat32() throws {
        let input = try NDArray(shape: [2, 3], elements: [UInt16(1), 2, 3, 4, 5, 65535])
        let result = try GaussianKernel.apply(input, sigma: [0], truncate: 4, mode: .reflect)
        #expect(try result.elements(as: Float.self) == [1, 2, 3, 4, 5, 65535])
    }

    @Test func emptyAndScalarArrays() throws {
        let empty = try GaussianKernel.apply(try NDArray(zeros: [0, 4], dtype: .uint8), sigma: [2], truncate: 4, mode: .reflect)
        #expect(empty.shape == [0, 4] && empty.dtype == .float32)
        let scalar = try GaussianKernel.apply(try NDArray(shape: [], elements: [Int32(5)]), sigma: [2], truncate: 4, mode: .constant)
        #expect(try scalar.elements(as: Float.self) == [5])
        #expect(throws: KernelError.self) {
            try GaussianKernel.apply(try NDArray(zeros: [2, 2], dtype: .uint8), sigma: [1, 2, 3], truncate: 4, mode: .reflect)
        }
    }

    @Test func weightsFollowScipysRadius() {
        #expect(GaussianKernel.weights(sigma: 1, truncate: 4).count == 9)
        #expect(GaussianKernel.weights(sigma: 2, truncate: 4).count == 17)
        #expect(GaussianKernel.weights(sigma: 0.1, truncate: 4).count == 1)
        #expect(abs(GaussianKernel.weights(sigma: 3, truncate: 4).reduce(0, +) - 1) < 1e-6)
    }

    @Test func borderIndexPatterns() {
        // positions -4..<8 on an axis of 4: compare with scipy's documented patterns
        func pattern(_ mode: BorderMode) -> [Int] { (-4..<8).map { mode.sourceIndex($0, count: 4) } }
        #expect(pattern(.reflect) == [3, 2, 1, 0, 0, 1, 2, 3, 3, 2, 1, 0])
        #expect(pattern(.mirror) == [2, 3, 2, 1, 0, 1, 2, 3, 2, 1, 0, 1])
        #expect(pattern(.nearest) == [0, 0, 0, 0, 0, 1, 2, 3, 3, 3, 3, 3])
        #expect(pattern(.wrap) == [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3])
        #expect(pattern(.constant) == [-1, -1, -1, -1, 0, 1, 2, 3, -1, -1, -1, -1])
    }
}

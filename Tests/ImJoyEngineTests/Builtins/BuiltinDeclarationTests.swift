import ImJoyWorkflow
import ImageIO
import Testing

@testable import ImJoyEngine

/// The writers' declarations agree with ImageIO's compressions (names, widest level range, the
/// default compression's default level), so the catalog and the kernels cannot drift apart.
@Suite struct BuiltinDeclarationTests {
    @Test(arguments: [("write-tiff", "tiff"), ("write-hdf5", "hdf5")])
    func writerDeclarationsMatchTheFormats(_ op: String, _ formatName: String) throws {
        let declaration = try #require(BuiltinOps.declaration(op))
        let format = try #require(ArrayFormatRegistry.standard.format(named: formatName))
        guard case .choice(let options, let fallback)? = declaration.parameter("compression")?.kind,
            case .number(let level, let range?, true)? = declaration.parameter("level")?.kind
        else {
            Issue.record("\(op): compression or level is not declared as expected")
            return
        }
        #expect(options == format.compressions.map(\.name))
        #expect(fallback == format.defaultCompression.name)
        #expect(level.map { Int($0) } == format.defaultCompression.defaultLevel)
        let ranges = format.compressions.compactMap(\.levels)
        #expect(Int(range.lowerBound) == ranges.map(\.lowerBound).min() && Int(range.upperBound) == ranges.map(\.upperBound).max())
    }

    @Test func cacheUseIsADeclarationProperty() {
        #expect(BuiltinOps.declarations.filter(\.readsFile).map(\.name) == ["read-tiff", "read-hdf5", "read-zarr"])
        #expect(BuiltinOps.declarations.filter(\.writesFiles).map(\.name) == ["write-tiff", "write-hdf5", "write-zarr"])
    }

    @Test func writeZarrCompressorsAreImageIOs() throws {
        let declaration = try #require(BuiltinOps.declaration("write-zarr"))
        guard case .choice(let options, let fallback)? = declaration.parameter("compressor")?.kind else {
            Issue.record("write-zarr: compressor is not a choice")
            return
        }
        for name in options { #expect(ZarrCompressor(name: name) != nil, "\(name)") }
        #expect(ZarrCompressor(name: fallback) == .bloscDefault)
    }
}

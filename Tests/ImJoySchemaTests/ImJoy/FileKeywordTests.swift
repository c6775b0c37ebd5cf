import Foundation
import ImJoySchema
import TestSupport
import Testing

@Suite("ImJoy keyword: file")
struct FileKeywordTests {
    static let tiffMagic: [UInt8] = [0x49, 0x49, 0x2A, 0x00, 8, 0, 0, 0]
    static let hdf5Magic: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]
    static let pngMagic: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    static let jpegMagic: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0]
    static let zipMagic: [UInt8] = [0x50, 0x4B, 0x03, 0x04]

    /// A temporary directory with files written by hand, removed with the last copy of it.
    struct Folder {
        let directory: TemporaryDirectory
        var url: URL { directory.url }

        init() throws { directory = try TemporaryDirectory("file-keyword") }

        @discardableResult
        func write(_ name: String, _ bytes: [UInt8], padTo size: Int = 0) throws -> String {
            var data = bytes
            if data.count < size { data += [UInt8](repeating: 0, count: size - data.count) }
            let file = url.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(data).write(to: file)
            return file.path
        }

        var options: ValidationOptions { ValidationOptions(baseDirectory: url) }
    }

    func validate(_ file: JSONValue, _ instance: JSONValue, in folder: Folder) throws -> ValidationResult {
        try JSONSchema(["file": file]).validate(instance, options: folder.options)
    }

    @Test func mimeFromMagicBytesBeatsTheExtension() throws {
        let folder = try Folder()
        try folder.write("image.dat", Self.tiffMagic)
        try folder.write("data.bin", Self.hdf5Magic)
        try folder.write("photo", Self.pngMagic)
        try folder.write("picture.raw", Self.jpegMagic)
        try folder.write("archive.blob", Self.zipMagic)
        #expect(try validate(["mime": "image/tiff"], "image.dat", in: folder).isValid)
        #expect(try validate(["mime": "application/x-hdf5"], "data.bin", in: folder).isValid)
        #expect(try validate(["mime": "image/png"], "photo", in: folder).isValid)
        #expect(try validate(["mime": "image/jpeg"], "picture.raw", in: folder).isValid)
        #expect(try validate(["mime": "application/zip"], "archive.blob", in: folder).isValid)
        let wrong = try validate(["mime": "image/png"], "image.dat", in: folder)
        #expect(wrong.errors.map(\.message) == ["expected a file of type image/png, got image/tiff (image.dat)"])
    }

    @Test func mimeFromTheExtensionWhenTheContentIsUnknown() throws {
        let folder = try Folder()
        try folder.write("cells.csv", Array("a,b\n".utf8))
        try folder.write("unknown.xyz", [1, 2, 3])
        #expect(try validate(["mime": "text/csv"], "cells.csv", in: folder).isValid)
        let unknown = try validate(["mime": "text"], "unknown.xyz", in: folder)
        #expect(unknown.errors.first?.message.contains("an unknown type") == true)
    }

    @Test func aDeclaredMimeIsUsedOnlyWhenDetectionFindsNone() throws {
        let folder = try Folder()
        try folder.write("blob", [1, 2, 3])
        try folder.write("real.png", Self.pngMagic)
        #expect(try validate(["mime": "text/x-custom"], ["path": "blob", "mime": "text/x-custom"], in: folder).isValid)
        #expect(!(try validate(["mime": "tiff"], ["path": "real.png", "mime": "image/tiff"], in: folder).isValid))
    }

    @Test func hugeSizeLimitsDoNotTrap() throws {
        let folder = try Folder()
        try folder.write("a.tif", Self.tiffMagic)
        let result = try validate(["ext": "tif", "minSize": 1e30, "size": [1.5e300]], "a.tif", in: folder)
        #expect(result.errors.map(\.message) == ["expected a file of at least 1e+30 bytes, got 8 (a.tif)"])
    }

    @Test func zarrDirectoriesAreDetected() throws {
        let folder = try Folder()
        try folder.write("labels.zarr/.zgroup", Array("{}".utf8))
        try folder.write("plain/readme.txt", Array("hi".utf8))
        #expect(try validate(["mime": "zarr"], "labels.zarr", in: folder).isValid)
        #expect(!(try validate(["mime": "zarr"], "plain", in: folder).isValid))
    }

    @Test func directorySizeIsTheTotalOfItsFiles() throws {
        let folder = try Folder()
        try folder.write("cells.zarr/.zarray", [UInt8](repeating: 32, count: 40))
        try folder.write("cells.zarr/0/0.0", [UInt8](repeating: 1, count: 60))
        #expect(try validate(["mime": "zarr", "size": 100], "cells.zarr", in: folder).isValid)
        #expect(!(try validate(["mime": "zarr", "minSize": 101], "cells.zarr", in: folder).isValid))
    }

    @Test func symbolicLinksAreFollowed() throws {
        let folder = try Folder()
        let target = try folder.write("real.tif", Self.tiffMagic, padTo: 10)
        try FileManager.default.createSymbolicLink(
            atPath: folder.url.appendingPathComponent("link.dat").path,
            withDestinationPath: target)
        #expect(try validate(["mime": "tiff", "size": 10], "link.dat", in: folder).isValid)
    }

    @Test func aCustomFileInspectorReplacesTheDisk() throws {
        struct Fake: FileInspecting {
            func inspect(path: String, needsSize: Bool) -> FileFacts? {
                path.hasSuffix("virtual.h5") ? FileFacts(isDirectory: false, size: 7, mime: "application/x-hdf5") : nil
            }
        }
        let schema = try JSONSchema(["file": ["mime": "hdf5", "size": 7]])
        let options = ValidationOptions(baseDirectory: URL(fileURLWithPath: "/nowhere"), fileInspector: Fake())
        #expect(schema.isValid("virtual.h5", options: options))
        #expect(!schema.isValid("other.h5", options: options))
    }

    @Test func mimeIsAnUnanchoredRegexSearchAsInImJoy() throws {
        let folder = try Folder()
        try folder.write("a.png", Self.pngMagic)
        #expect(try validate(["mime": "image/*"], "a.png", in: folder).isValid)
        #expect(try validate(["mime": "png"], "a.png", in: folder).isValid)
        #expect(try validate(["mime": ["image/tiff", "image/png"]], "a.png", in: folder).isValid)
        #expect(!(try validate(["mime": "^png"], "a.png", in: folder).isValid))
    }

    @Test func extIsACaseSensitiveSuffixMatch() throws {
        let folder = try Folder()
        try folder.write("a.png", Self.pngMagic)
        try folder.write("b.PNG", Self.pngMagic)
        try folder.write("apng", Self.pngMagic)
        #expect(try validate(["ext": "png"], "a.png", in: folder).isValid)
        #expect(try validate(["ext": ".png"], "a.png", in: folder).isValid)
        #expect(try validate(["ext": "png"], "apng", in: folder).isValid)
        #expect(!(try validate(["ext": "png"], "b.PNG", in: folder).isValid))
        #expect(try validate(["ext": ["tif", "PNG"]], "b.PNG", in: folder).isValid)
    }

    @Test func extUsesTheNameOfAnObjectReference() throws {
        let folder = try Folder()
        let path = try folder.write("upload-123", Self.pngMagic)
        #expect(try validate(["ext": ".png"], ["path": .string(path), "name": "cells.png"], in: folder).isValid)
        #expect(!(try validate(["ext": ".png"], ["path": .string(path)], in: folder).isValid))
    }

    @Test func sizesAreCheckedAgainstTheRealFile() throws {
        let folder = try Folder()
        try folder.write("a.tif", Self.tiffMagic, padTo: 100)
        #expect(try validate(["ext": "tif", "minSize": 100, "maxSize": 100], "a.tif", in: folder).isValid)
        #expect(try validate(["ext": "tif", "size": 100], "a.tif", in: folder).isValid)
        #expect(try validate(["ext": "tif", "size": [50, 100]], "a.tif", in: folder).isValid)
        // The object's own size is not trusted.
        let big = try validate(["ext": "tif", "minSize": 101], ["path": "a.tif", "size": 5000], in: folder)
        #expect(big.errors.map(\.message) == ["expected a file of at least 101 bytes, got 100 (a.tif)"])
        #expect(!(try validate(["ext": "tif", "maxSize": 99], "a.tif", in: folder).isValid))
        #expect(!(try validate(["ext": "tif", "size": 99], "a.tif", in: folder).isValid))
    }

    @Test func aMissingFileFailsWithItsPath() throws {
        let folder = try Folder()
        let result = try validate(["ext": "tif"], "missing.tif", in: folder)
        let expected = folder.url.appendingPathComponent("missing.tif").path
        #expect(result.errors.map(\.message) == ["file not found: \(expected)"])
        #expect(result.errors.first?.keyword == "file")
    }

    @Test func relativePathsResolveAgainstTheBaseDirectoryAndAbsoluteOnesDoNot() throws {
        let folder = try Folder()
        let absolute = try folder.write("sub/a.tif", Self.tiffMagic)
        #expect(try validate(["ext": "tif"], "sub/a.tif", in: folder).isValid)
        #expect(try JSONSchema(["file": ["ext": "tif"]]).isValid(.string(absolute)))
        #expect(try validate(["ext": "tif"], .string("file://" + absolute), in: folder).isValid)
    }

    @Test func nonFileInstancesFail() throws {
        let folder = try Folder()
        #expect(!(try validate(["ext": "tif"], 3, in: folder).isValid))
        #expect(!(try validate(["ext": "tif"], ["name": "a.tif"], in: folder).isValid))
        #expect(!(try validate(["ext": "tif"], "", in: folder).isValid))
    }

    @Test func nullOrStringConfigsAcceptAnyExistingFile() throws {
        let folder = try Folder()
        try folder.write("x.any", [0])
        #expect(try validate(nil, "x.any", in: folder).isValid)
        #expect(try validate("whatever", "x.any", in: folder).isValid)
        #expect(!(try validate(nil, "y.any", in: folder).isValid))
    }

    @Test(arguments: [[:], true, ["maxSize": 10], ["mime": 3], ["ext": "tif", "minSize": "big"], 5] as [JSONValue])
    func invalidConfigsAreSchemaErrorsAsInImJoy(config: JSONValue) {
        let error = #expect(throws: SchemaError.self) { try JSONSchema(["file": config]) }
        #expect(error?.schemaPath == "#/file")
    }
}

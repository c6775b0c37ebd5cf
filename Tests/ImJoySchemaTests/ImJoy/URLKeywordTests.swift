import ImJoySchema
import Testing

@Suite("imjoy-run keyword: url")
struct URLKeywordTests {
    @Test func typeURLWithExtensionAsImJoyDocumentsIt() throws {
        let schema = try JSONSchema(["type": "url", "extension": "zarr"])
        #expect(schema.isValid("https://example.org/data/cells.zarr"))
        #expect(schema.isValid("s3://bucket/cells.ZARR/"))
        #expect(schema.isValid("file:///tmp/cells.zarr"))
        #expect(!schema.isValid("https://example.org/data/cells.tif"))
        #expect(!schema.isValid("ftp://example.org/cells.zarr"))
        #expect(!schema.isValid("cells.zarr"))
        #expect(!schema.isValid(3))
        let error = try #require(schema.validate("https://example.org/a.tif").errors.first)
        #expect(error.message == "expected a URL ending with .zarr, got \"https://example.org/a.tif\"")
    }

    @Test func keywordFormWithSchemesAndExtensions() throws {
        let schema = try JSONSchema(["url": ["scheme": ["https"], "extension": [".tif", "tiff"]]])
        #expect(schema.isValid("https://example.org/a.tiff?download=1"))
        #expect(!schema.isValid("http://example.org/a.tif"))
        #expect(!schema.isValid("https://example.org/a.png"))
        #expect(try JSONSchema(["url": true]).isValid("http://example.org/"))
        #expect(!(try JSONSchema(["url": true]).isValid("http:///nohost")))
    }

    @Test func urlCombinesWithOtherTypes() throws {
        let schema = try JSONSchema(["type": ["url", "null"], "extension": "zarr"])
        #expect(schema.isValid(nil))
        #expect(schema.isValid("http://x.org/a.zarr"))
        #expect(!schema.isValid("plain"))
    }

    @Test func invalidURLConfigsAreSchemaErrors() {
        #expect(throws: SchemaError.self) { try JSONSchema(["url": 3]) }
        #expect(throws: SchemaError.self) { try JSONSchema(["url": ["extension": 3]]) }
        #expect(throws: SchemaError.self) { try JSONSchema(["type": "url", "scheme": [1]]) }
    }
}

import Foundation
import ImJoySchema
import Testing

@Suite struct RemoteLocationTests {
    @Test func parsesHTTPAndS3() throws {
        let http = try RemoteLocation(parsing: "https://example.org:8443/data/img%2001.ome.zarr/?token=abc#part")
        #expect(http.scheme == .https && http.authority == "example.org:8443")
        #expect(http.path == "data/img%2001.ome.zarr/" && http.query == "token=abc")
        #expect(http.fileName == "img 01.ome.zarr" && http.stem == "img 01.ome")
        #expect(http.appending("0/.zarray").description == "https://example.org:8443/data/img%2001.ome.zarr/0/.zarray?token=abc")
        let s3 = try RemoteLocation(parsing: "S3://my-bucket/plates/a.tif")
        #expect(s3.scheme == .s3 && s3.authority == "my-bucket" && s3.path == "plates/a.tif" && s3.stem == "a")
        #expect(try RemoteLocation(parsing: "http://host").stem == "host")
    }

    @Test func refusesWhatCannotNameAnObject() {
        for text in [
            "http:///a.tif", "https://user:pw@host/a.tif", "s3://bucket", "s3://Bad_Bucket/a.tif", "s3://b/a.tif?x=1",
            "http://host/a b.tif", "ftp://host/a.tif",
        ] {
            #expect(throws: RemoteLocationError.self, "\(text)") { try RemoteLocation(parsing: text) }
        }
        #expect(RemoteLocation.isRemote("HTTPS://x/y") && !RemoteLocation.isRemote("data/http://x") && !RemoteLocation.isRemote("a.tif"))
    }
}

import Foundation
import ImJoySchema
import Testing

@testable import ImageIO

@Suite struct S3SignerTests {
    /// AWS's published example "GET Object" (Signature Version 4, Amazon S3 API reference,
    /// "Examples: Signature Calculations in AWS Signature Version 4").
    @Test func matchesAWSPublishedExample() {
        let signer = S3Signer(
            credentials: .init(accessKey: "AKIAIOSFODNN7EXAMPLE", secretKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            region: "us-east-1")
        let date = Date(timeIntervalSince1970: 1_369_353_600)  // 2013-05-24T00:00:00Z
        let headers = signer.sign(
            host: "examplebucket.s3.amazonaws.com", canonicalURI: "/test.txt", headers: ["Range": "bytes=0-9"], date: date)
        #expect(
            headers["Authorization"]
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        )
        #expect(headers["x-amz-date"] == "20130524T000000Z")
        #expect(headers["x-amz-content-sha256"] == S3Signer.emptyPayloadHash)
    }

    @Test func sessionTokenIsSentAndSigned() {
        let signer = S3Signer(credentials: .init(accessKey: "A", secretKey: "S", sessionToken: "T"), region: "eu-west-1")
        let headers = signer.sign(host: "h", canonicalURI: "/b/k", date: Date(timeIntervalSince1970: 0))
        #expect(headers["x-amz-security-token"] == "T")
        #expect(headers["Authorization"]?.contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token") == true)
    }

    @Test func configurationComesFromTheEnvironmentOnly() throws {
        let none = S3Configuration(environment: [:])
        #expect(none.credentials == nil && none.region == "us-east-1" && none.endpoint == nil)
        let env = [
            "AWS_ACCESS_KEY_ID": "k", "AWS_SECRET_ACCESS_KEY": "s", "AWS_DEFAULT_REGION": "eu-central-1",
            "AWS_ENDPOINT_URL": "http://127.0.0.1:9000", "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9001/",
        ]
        let custom = S3Configuration(environment: env)
        #expect(custom.credentials == .init(accessKey: "k", secretKey: "s") && custom.region == "eu-central-1")
        let object = try #require(custom.objectURL(try RemoteLocation(parsing: "s3://bucket/a+b/c.tif")))
        #expect(object.url.absoluteString == "http://127.0.0.1:9001/bucket/a%2Bb/c.tif" && object.host == "127.0.0.1:9001")
        let aws = try #require(none.objectURL(try RemoteLocation(parsing: "s3://bucket/k.tif")))
        #expect(aws.url.absoluteString == "https://bucket.s3.us-east-1.amazonaws.com/k.tif" && aws.canonicalURI == "/k.tif")
    }
}

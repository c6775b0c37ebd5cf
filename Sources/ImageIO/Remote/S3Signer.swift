import Foundation

/// AWS Signature Version 4 for S3 GET requests, written by hand: there is no AWS SDK for Swift
/// in this project and no library here signs requests (libcrypto only gives SHA-256 and HMAC,
/// ``Digest``). It follows the documented algorithm (docs.aws.amazon.com, "Signature Version 4
/// signing process": canonical request → string to sign → HMAC chain of date, region, service,
/// `aws4_request`) and is checked against AWS's published example in `S3SignerTests`.
struct S3Signer {
    let credentials: S3Configuration.Credentials
    let region: String
    var service = "s3"

    /// SHA-256 of an empty payload (every GET's).
    static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// The headers to add to a GET of `canonicalURI` on `host` at `date`: `x-amz-date`,
    /// `x-amz-content-sha256`, the session token if any, and `Authorization`. `headers` (e.g.
    /// `range`) are signed too.
    func sign(
        method: String = "GET", host: String, canonicalURI: String, query: String = "", headers: [String: String] = [:], date: Date
    ) -> [String: String] {
        let (amzDate, day) = Self.timestamps(date)
        var signed = headers.reduce(into: [String: String]()) { $0[$1.key.lowercased()] = $1.value.trimmingCharacters(in: .whitespaces) }
        signed["host"] = host
        signed["x-amz-date"] = amzDate
        signed["x-amz-content-sha256"] = Self.emptyPayloadHash
        if let token = credentials.sessionToken { signed["x-amz-security-token"] = token }
        let names = signed.keys.sorted()
        let canonicalHeaders = names.map { "\($0):\(signed[$0]!)\n" }.joined()
        let signedHeaders = names.joined(separator: ";")
        let canonicalRequest = [method, canonicalURI, query, canonicalHeaders, signedHeaders, Self.emptyPayloadHash].joined(
            separator: "\n")
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = [
            "AWS4-HMAC-SHA256", amzDate, scope, Digest.hex(Digest.sha256(Array(canonicalRequest.utf8))),
        ].joined(separator: "\n")
        var key = Array("AWS4\(credentials.secretKey)".utf8)
        for part in [day, region, service, "aws4_request"] { key = Digest.hmacSHA256(key: key, Array(part.utf8)) }
        let signature = Digest.hex(Digest.hmacSHA256(key: key, Array(stringToSign.utf8)))
        var result = signed.filter { $0.key.hasPrefix("x-amz-") }
        result["Authorization"] =
            "AWS4-HMAC-SHA256 Credential=\(credentials.accessKey)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
        return result
    }

    /// `20130524T000000Z` and `20130524` (UTC).
    static func timestamps(_ date: Date) -> (String, String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ n: Int?) -> String { String(format: "%02d", n ?? 0) }
        let day = String(format: "%04d", c.year ?? 0) + two(c.month) + two(c.day)
        return (day + "T" + two(c.hour) + two(c.minute) + two(c.second) + "Z", day)
    }

    /// An object key URI-encoded as SigV4 wants it: every byte but `A-Z a-z 0-9 - . _ ~` and `/`
    /// as `%XX` (uppercase). The key is taken literally (an `s3://` URL is not percent-decoded).
    static func encodePath(_ key: String) -> String {
        var text = ""
        for byte in key.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                text.append(Character(Unicode.Scalar(byte)))
            default:
                text += String(format: "%%%02X", byte)
            }
        }
        return text
    }
}

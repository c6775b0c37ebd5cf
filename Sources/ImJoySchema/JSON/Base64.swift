// Base64 (RFC 4648) for JSONBytes. Foundation's Data has it too, but this module avoids
// copying large array buffers into Data just to encode them.

private let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

private let decodeTable: [UInt8] = {
    var table = [UInt8](repeating: 0xFF, count: 256)
    for (i, c) in alphabet.enumerated() { table[Int(c)] = UInt8(i) }
    table[Int(UInt8(ascii: "-"))] = 62  // base64url
    table[Int(UInt8(ascii: "_"))] = 63
    return table
}()

extension JSONBytes {
    /// The bytes as standard base64 text with padding.
    public func base64EncodedString() -> String {
        withUnsafeBytes { bytes in
            var out = [UInt8]()
            out.reserveCapacity((bytes.count + 2) / 3 * 4)
            var i = 0
            while i + 3 <= bytes.count {
                let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
                out.append(alphabet[Int(n >> 18 & 63)])
                out.append(alphabet[Int(n >> 12 & 63)])
                out.append(alphabet[Int(n >> 6 & 63)])
                out.append(alphabet[Int(n & 63)])
                i += 3
            }
            let rest = bytes.count - i
            if rest > 0 {
                var n = UInt32(bytes[i]) << 16
                if rest == 2 { n |= UInt32(bytes[i + 1]) << 8 }
                out.append(alphabet[Int(n >> 18 & 63)])
                out.append(alphabet[Int(n >> 12 & 63)])
                out.append(rest == 2 ? alphabet[Int(n >> 6 & 63)] : UInt8(ascii: "="))
                out.append(UInt8(ascii: "="))
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// Decodes base64 (standard or URL alphabet, padding optional, whitespace ignored);
    /// `nil` when the text is not base64.
    public init?(base64Encoded text: String) {
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        var sawPadding = false
        for byte in text.utf8 {
            if byte == UInt8(ascii: "=") {
                sawPadding = true
                continue
            }
            if byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { continue }
            let value = decodeTable[Int(byte)]
            if value == 0xFF || sawPadding { return nil }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        if bits >= 6 { return nil }
        self.init(out)
    }
}

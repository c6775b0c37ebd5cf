import Foundation
import OrderedCollections

// A hand-written port of the HTML scanner in imjoy-core's `parseComponent` (a vendored copy of
// Vue's SFC parser, src/pluginParser.js). No Swift package parses HTML the way it does — raw-text
// `<script>` ended by the first `</script`, depth-0 blocks only, content as the exact source
// slice — and plugin files must split exactly as ImJoy splits them, so the rules are reproduced
// here byte for byte. It works on UTF-8 bytes and never traps on malformed input.

/// Splits plugin file text into its top-level blocks.
public enum PluginFileParser {
    /// Parses `text` into blocks following imjoy-core's `parseComponent`.
    public static func parseBlocks(_ text: String) -> PluginBlocks {
        var text = text
        return text.withUTF8 { buffer in
            var scanner = BlockScanner(buffer)
            scanner.run()
            return scanner.blocks
        }
    }
}

private struct OpenElement {
    var tag: String
    var lowercasedTag: String
}

private struct BlockScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    var stack: [OpenElement] = []
    var depth = 0
    var blocks = PluginBlocks()
    /// The depth-0 block being read: its fields and the offset where its content starts.
    var current: (block: PluginBlock, contentStart: Int)? = nil
    /// Byte offsets of line starts, for line numbers.
    let lineStarts: [Int]

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == 0x0A { starts.append(i + 1) }
        lineStarts = starts
    }

    // MARK: Main loop (Vue's parseHTML)

    mutating func run() {
        while index < bytes.count {
            let last = index
            if let top = stack.last, isPlainTextElement(top.lowercasedTag) {
                scanRawText(endingWith: top.lowercasedTag)
            } else {
                scanMarkup()
            }
            if index == last { break }  // Vue: `html === last` — nothing more can be parsed
        }
        closeElements(downTo: 0, start: index)
    }

    mutating func scanMarkup() {
        var textEnd = firstIndex(of: UInt8(ascii: "<"), from: index).map { $0 - index }
        if textEnd == 0 {
            if hasPrefix("<!--", at: index) {
                if let end = firstIndex(of: "-->", from: index + 4) {
                    index = end + 3
                    return
                }
                blocks.warnings.append("line \(line(of: index)): unterminated HTML comment; the rest of the file is ignored")
            }
            if hasPrefix("<![", at: index), let end = firstIndex(of: "]>", from: index + 3) {
                index = end + 2
                return
            }
            if let end = matchDoctype(at: index) {
                index = end
                return
            }
            if let (name, end) = matchEndTag(at: index) {
                let start = index
                index = end
                handleEndTag(name, start: start, end: end)
                return
            }
            if handleStartTag() { return }
            // A start tag that did not close leaves the scan advanced past what was read, as in Vue.
            textEnd = 0
        }
        guard let initialTextEnd = textEnd else {
            index = bytes.count  // the rest is text, which parseComponent ignores
            return
        }
        var end = index + initialTextEnd
        while end < bytes.count, !startsMarkup(at: end) {
            guard let next = firstIndex(of: UInt8(ascii: "<"), from: end + 1) else { break }
            end = next
        }
        index = end
    }

    /// Whether the text at `position` opens an end tag, a start tag, a comment or a conditional comment.
    func startsMarkup(at position: Int) -> Bool {
        matchEndTag(at: position) != nil || matchTagName(at: position + 1) != nil && byte(at: position) == UInt8(ascii: "<")
            || hasPrefix("<!--", at: position) || hasPrefix("<![", at: position)
    }

    mutating func scanRawText(endingWith tag: String) {
        // /([\s\S]*?)(<\/tag[^>]*>)/i
        var search = index
        while let lt = firstIndex(of: UInt8(ascii: "<"), from: search) {
            if byte(at: lt + 1) == UInt8(ascii: "/"), hasPrefixCaseInsensitive(tag, at: lt + 2),
                let gt = firstIndex(of: UInt8(ascii: ">"), from: lt + 2 + tag.utf8.count)
            {
                index = gt + 1
                closeElements(named: tag, start: lt, end: gt + 1)
                return
            }
            search = lt + 1
        }
        // No end tag: Vue closes the element where it stands (empty content) and stops.
        blocks.warnings.append("line \(line(of: index)): <\(tag)> is never closed; its content is empty, as in ImJoy")
        closeElements(named: tag, start: index, end: index)
    }

    // MARK: Tags

    /// Parses a start tag at `index`; returns `false` when none is there (the index may have moved).
    mutating func handleStartTag() -> Bool {
        guard byte(at: index) == UInt8(ascii: "<"), let nameEnd = matchTagName(at: index + 1) else { return false }
        let tagStart = index
        let name = string(index + 1, nameEnd)
        index = nameEnd
        var attributes = OrderedDictionary<String, AttributeValue>()
        while true {
            if let (selfClosing, end) = matchStartTagClose(at: index) {
                index = end
                openElement(name, attributes: attributes, unary: selfClosing, start: tagStart, end: end)
                return true
            }
            guard let (attrName, value, end) = matchAttribute(at: index) else { return false }
            // ImJoy: `cumulated[name] = value || true` — the last of duplicate names wins.
            attributes[attrName] = value.flatMap { $0.isEmpty ? nil : AttributeValue.string($0) } ?? .flag
            index = end
        }
    }

    mutating func openElement(
        _ tag: String, attributes: OrderedDictionary<String, AttributeValue>, unary: Bool, start: Int, end: Int
    ) {
        if depth == 0 {
            let block = PluginBlock(
                type: tag, attributes: attributes, content: "", line: line(of: start), contentLine: line(of: end))
            if unary {
                blocks.append(block)
            } else {
                current = (block, end)
            }
        }
        if !unary {
            stack.append(OpenElement(tag: tag, lowercasedTag: tag.lowercased()))
            depth += 1
        }
    }

    mutating func handleEndTag(_ name: String, start: Int, end: Int) {
        let lowered = name.lowercased()
        if stack.contains(where: { $0.lowercasedTag == lowered }) {
            closeElements(named: lowered, start: start, end: end)
        } else if lowered == "br" {
            openElement(name, attributes: [:], unary: true, start: start, end: end)
        } else if lowered == "p" {
            openElement(name, attributes: [:], unary: false, start: start, end: end)
            closeElements(named: "p", start: start, end: end)
        }
    }

    mutating func closeElements(named lowered: String, start: Int, end: Int) {
        guard let position = stack.lastIndex(where: { $0.lowercasedTag == lowered }) else { return }
        closeElements(downTo: position, start: start)
    }

    /// Vue's parseEndTag: closes every open element above and at `position`.
    mutating func closeElements(downTo position: Int, start: Int) {
        guard position < stack.count else { return }
        for _ in position..<stack.count {
            if depth == 1, let (block, contentStart) = current {
                var finished = block
                finished.content = deIndent(string(contentStart, max(contentStart, start)))
                blocks.append(finished)
                current = nil
            }
            depth -= 1
        }
        stack.removeSubrange(position...)
    }

    // MARK: Matchers (the regular expressions of Vue's html-parser)

    /// `[a-zA-Z_][\-\.0-9_a-zA-Z]*` with an optional `prefix:`; returns the end offset.
    func matchTagName(at position: Int) -> Int? {
        func ncname(_ p: Int) -> Int? {
            guard let first = byte(at: p), isAlpha(first) || first == UInt8(ascii: "_") else { return nil }
            var i = p + 1
            while let b = byte(at: i), isAlpha(b) || isDigit(b) || b == 0x2D || b == 0x2E || b == 0x5F || b >= 0x80 {
                i += 1
            }
            return i
        }
        guard let end = ncname(position) else { return nil }
        if byte(at: end) == UInt8(ascii: ":"), let qualified = ncname(end + 1) { return qualified }
        return end
    }

    /// `^<\/(qname)[^>]*>`; returns the name and the end offset.
    func matchEndTag(at position: Int) -> (String, Int)? {
        guard byte(at: position) == UInt8(ascii: "<"), byte(at: position + 1) == UInt8(ascii: "/"),
            let nameEnd = matchTagName(at: position + 2),
            let gt = firstIndex(of: UInt8(ascii: ">"), from: nameEnd)
        else { return nil }
        return (string(position + 2, nameEnd), gt + 1)
    }

    /// `^\s*(\/?)>`
    func matchStartTagClose(at position: Int) -> (Bool, Int)? {
        var i = position
        while let b = byte(at: i), isJavaScriptWhitespace(b) { i += 1 }
        if byte(at: i) == UInt8(ascii: "/"), byte(at: i + 1) == UInt8(ascii: ">") { return (true, i + 2) }
        if byte(at: i) == UInt8(ascii: ">") { return (false, i + 1) }
        return nil
    }

    /// `^\s*([^\s"'<>\/=]+)(?:\s*(=)\s*(?:"([^"]*)"+|'([^']*)'+|([^\s"'=<>`]+)))?`
    func matchAttribute(at position: Int) -> (String, String?, Int)? {
        var i = position
        while let b = byte(at: i), isJavaScriptWhitespace(b) { i += 1 }
        let nameStart = i
        while let b = byte(at: i), !isJavaScriptWhitespace(b), !"\"'<>/=".utf8.contains(b) { i += 1 }
        guard i > nameStart else { return nil }
        let name = string(nameStart, i)
        // Optional `= value`.
        var j = i
        while let b = byte(at: j), isJavaScriptWhitespace(b) { j += 1 }
        guard byte(at: j) == UInt8(ascii: "=") else { return (name, nil, i) }
        j += 1
        while let b = byte(at: j), isJavaScriptWhitespace(b) { j += 1 }
        guard let q = byte(at: j) else { return (name, nil, i) }
        if q == UInt8(ascii: "\"") || q == UInt8(ascii: "'") {
            guard let close = firstIndex(of: q, from: j + 1) else { return (name, nil, i) }
            var end = close + 1
            while byte(at: end) == q { end += 1 }  // the `"+` in Vue's expression
            return (name, decodeAttributeEntities(string(j + 1, close)), end)
        }
        var k = j
        while let b = byte(at: k), !isJavaScriptWhitespace(b), !"\"'=<>`".utf8.contains(b) { k += 1 }
        guard k > j else { return (name, nil, i) }
        return (name, decodeAttributeEntities(string(j, k)), k)
    }

    /// `^<!DOCTYPE [^>]+>` (case-insensitive).
    func matchDoctype(at position: Int) -> Int? {
        guard hasPrefixCaseInsensitive("<!doctype ", at: position),
            let gt = firstIndex(of: UInt8(ascii: ">"), from: position + 10), gt > position + 10
        else { return nil }
        return gt + 1
    }

    // MARK: Byte helpers

    func byte(at i: Int) -> UInt8? { i >= 0 && i < bytes.count ? bytes[i] : nil }

    func isAlpha(_ b: UInt8) -> Bool { (b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z") }

    func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    func isPlainTextElement(_ lowered: String) -> Bool {
        lowered == "script" || lowered == "style" || lowered == "textarea"
    }

    func firstIndex(of target: UInt8, from start: Int) -> Int? {
        guard start < bytes.count else { return nil }
        var i = start
        while i < bytes.count {
            if bytes[i] == target { return i }
            i += 1
        }
        return nil
    }

    func firstIndex(of needle: StaticString, from start: Int) -> Int? {
        let count = needle.utf8CodeUnitCount
        var i = start
        while let candidate = firstIndex(of: needle.utf8Start[0], from: i) {
            if candidate + count > bytes.count { return nil }
            var matches = true
            for k in 1..<count where bytes[candidate + k] != needle.utf8Start[k] {
                matches = false
                break
            }
            if matches { return candidate }
            i = candidate + 1
        }
        return nil
    }

    func hasPrefix(_ prefix: StaticString, at position: Int) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard position + count <= bytes.count else { return false }
        for k in 0..<count where bytes[position + k] != prefix.utf8Start[k] { return false }
        return true
    }

    func hasPrefixCaseInsensitive(_ prefix: String, at position: Int) -> Bool {
        var i = position
        for p in prefix.utf8 {
            guard let b = byte(at: i) else { return false }
            let lowered = (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b
            if lowered != p { return false }
            i += 1
        }
        return true
    }

    func string(_ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }

    func line(of position: Int) -> Int {
        // Binary search for the last line start <= position.
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= position { low = mid } else { high = mid - 1 }
        }
        return low + 1
    }
}

/// Decodes the entities Vue decodes in attribute values.
private func decodeAttributeEntities(_ value: String) -> String {
    guard value.contains("&") else { return value }
    return value.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
        .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
        .replacingOccurrences(of: "&#10;", with: "\n").replacingOccurrences(of: "&#9;", with: "\t")
        .replacingOccurrences(of: "&amp;", with: "&")
}

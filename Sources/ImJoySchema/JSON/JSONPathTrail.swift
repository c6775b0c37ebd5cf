/// The JSON path of a value inside a document, written as the project's errors write paths:
/// `ops[1].config.sigma` (keys that are not identifiers are quoted: `variables["a b"]`).
public struct JSONPathTrail: Sendable, Equatable {
    public enum Component: Sendable, Equatable {
        case key(String)
        case index(Int)
    }

    public var components: [Component] = []

    public init(_ components: [Component] = []) { self.components = components }

    /// The path text; `$` for the document itself.
    public var text: String {
        var text = ""
        for component in components {
            switch component {
            case .index(let index): text += "[\(index)]"
            case .key(let key) where Self.isIdentifier(key): text += text.isEmpty ? key : ".\(key)"
            case .key(let key): text += "[\(JSONValue.string(key).serialized())]"
            }
        }
        return text.isEmpty ? "$" : text
    }

    /// The path of a child of this path.
    public func text(appending component: Component) -> String {
        JSONPathTrail(components + [component]).text
    }

    private static func isIdentifier(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, !(("0"..."9").contains(first)) else { return false }
        return key.unicodeScalars.allSatisfy {
            $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" || $0 == "$"
        }
    }
}

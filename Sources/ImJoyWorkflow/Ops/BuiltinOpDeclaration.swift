import ImJoyPlugin
import ImJoySchema

/// One built-in op, declared once: its parameters, schemas and how the result cache treats it.
/// ``description`` (the catalog entry: `ui`, validation, `imjoy-run ops`, the docs table) and
/// the engine's typed config both come from it.
public struct BuiltinOpDeclaration: Sendable {
    /// How the result cache treats the op's calls (all built-in ops are functional and keyed).
    public enum CacheUse: Sendable, Equatable {
        /// The result is stored and reused.
        case stored
        /// A file read: its key comes from the file's content hash; not stored (reading the file
        /// again costs what reading an entry would).
        case readsFile
        /// A file write: always runs (its effect is the file); its result is the file's path.
        case writesFiles
    }

    public let name: String
    public let summary: String
    public let parameters: [BuiltinParameter]
    /// The `inputs` schema (JSON text).
    public let inputs: String
    /// The `outputs` schema (JSON text).
    public let outputs: String
    public let cacheUse: CacheUse

    public init(
        _ name: String, _ summary: String, parameters: [BuiltinParameter] = [], inputs: String, outputs: String,
        cacheUse: CacheUse = .stored
    ) {
        self.name = name
        self.summary = summary
        self.parameters = parameters
        self.inputs = inputs
        self.outputs = outputs
        self.cacheUse = cacheUse
    }

    /// Whether results are kept in the result cache.
    public var storesResult: Bool { cacheUse == .stored }
    /// Whether the op reads a file named by its data.
    public var readsFile: Bool { cacheUse == .readsFile }
    /// Whether the op writes files under the out dir (its result is `{path}`).
    public var writesFiles: Bool { cacheUse == .writesFiles }

    /// The parameter `id`, or `nil`.
    public func parameter(_ id: String) -> BuiltinParameter? {
        parameters.first { $0.id == id }
    }

    /// The op's `ui` text, made from ``parameters``.
    public var ui: String { parameters.map(\.uiText).joined(separator: " ") }

    /// The catalog entry (parsed from ``ui``, so built-in ops validate like plugin ops).
    public var description: OpDescription {
        // The declarations are constants checked by BuiltinOpsTests; a parse error is a programming error.
        let location = PluginLocation(file: "BuiltinOps.swift", field: "\(name).ui")
        var parsed = try! UIParameter.parse(ui: .string(ui), at: location)
        // ImJoy gives a number widget without a placeholder the default 3; a built-in op's
        // default is its declaration's (none: the kernel decides, e.g. a compression's level).
        for index in parsed.indices {
            parsed[index].defaultValue = parameters.first { $0.id == parsed[index].id }?.defaultValue
        }
        return OpDescription(
            name: name, summary: summary, parameters: parsed,
            inputs: try! JSONValue(jsonText: inputs), outputs: try! JSONValue(jsonText: outputs), isFunctional: true)
    }
}

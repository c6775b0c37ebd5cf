import ImJoySchema

/// Output path and dataset templates (`{item}`, `{stem}`, `{op}`): the rules every output name
/// follows, checked when a workflow is validated and again (by the engine's `OutputPaths`)
/// for each item's expanded name.
public enum OutputTemplate {
    /// The placeholders a template may use.
    public static let placeholders = ["item", "stem", "op"]

    /// Top-level names in the out dir that belong to imjoy-run itself: an output there would hide
    /// the run manifest or write into the run's state folder.
    public static let reservedNames: Set<String> = ["manifest.json", ".imjoy-run"]

    /// Why `template` cannot name a file for any item, or `nil`: an unknown or unclosed
    /// placeholder, an absolute path, a `..` component, an empty name, a reserved first component.
    public static func problem(withPath template: String) -> String? {
        if template.isEmpty { return "is empty" }
        if let problem = placeholderProblem(template) { return problem }
        let text = template.replacingOccurrences(of: "{", with: "").replacingOccurrences(of: "}", with: "")
        return pathProblem(text)
    }

    /// Why `template` (an HDF5 dataset path) cannot name a dataset, or `nil`.
    public static func problem(withDataset template: String) -> String? {
        if let problem = placeholderProblem(template) { return problem }
        let components = template.split(separator: "/")
        guard !components.isEmpty, !components.contains("."), !components.contains("..") else {
            return "is not a valid HDF5 dataset path"
        }
        return nil
    }

    /// Why an expanded output path cannot be used, or `nil` (see ``problem(withPath:)``).
    /// For a template (placeholders' braces removed) a reserved name is only found when written
    /// literally; an item key may still make one, which the engine checks per item.
    public static func pathProblem(_ path: String) -> String? {
        if path.hasPrefix("/") { return "is absolute; output paths are relative to the out dir" }
        if path.contains("\0") { return "contains a NUL character" }
        let components = path.split(separator: "/").filter { $0 != "." }
        if components.contains("..") { return "contains '..' and would leave the out dir" }
        guard let first = components.first else { return "is empty" }
        if reservedNames.contains(String(first)) {
            return "starts with '\(first)', which is reserved for imjoy-run (the run manifest and state folder)"
        }
        return nil
    }

    /// Why the placeholders of `template` are wrong, or `nil`.
    public static func placeholderProblem(_ template: String) -> String? {
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else { return "has an unclosed '{'" }
            let name = rest[rest.index(after: open)..<close]
            guard placeholders.contains(String(name)) else {
                return "has an unknown placeholder {\(name)} (known: \(placeholders.map { "{\($0)}" }.joined(separator: ", ")))"
            }
            rest = rest[rest.index(after: close)...]
        }
        return nil
    }

    /// The output templates of `op` and the workflow's defaults with their JSON paths: the
    /// `output.path`/`output.dataset` fields, and the `path`/`dataset` config of a built-in op
    /// that writes files.
    public static func problems(in workflow: Workflow) -> [(op: OpSpec?, path: String, message: String)] {
        var problems: [(OpSpec?, String, String)] = []
        func check(_ spec: OutputSpec?, op: OpSpec?, at path: String) {
            if let template = spec?.path, let problem = problem(withPath: template) {
                problems.append((op, "\(path).path", "'\(template)' \(problem)"))
            }
            if let template = spec?.dataset, let problem = problem(withDataset: template) {
                problems.append((op, "\(path).dataset", "'\(template)' \(problem)"))
            }
        }
        check(workflow.output, op: nil, at: "output")
        for op in workflow.ops {
            check(op.output, op: op, at: "\(op.jsonPath).output")
            guard case .builtin(let name) = op.target, BuiltinOps.declaration(name)?.writesFiles == true else { continue }
            if let template = op.config["path"]?.stringValue, let problem = problem(withPath: template) {
                problems.append((op, "\(op.jsonPath).config.path", "'\(template)' \(problem)"))
            }
            if let template = op.config["dataset"]?.stringValue, let problem = problem(withDataset: template) {
                problems.append((op, "\(op.jsonPath).config.dataset", "'\(template)' \(problem)"))
            }
        }
        return problems
    }
}

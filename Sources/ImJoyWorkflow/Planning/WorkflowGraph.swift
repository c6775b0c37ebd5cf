import Foundation

/// Renders a workflow's op DAG as Graphviz dot or Mermaid text.
public enum WorkflowGraph {
    public enum Format: String, Sendable, CaseIterable {
        case dot, mermaid
    }

    public static func render(_ validated: ValidatedWorkflow, as format: Format) -> String {
        let inputs = validated.workflow.inputs.keys
        var edges: [(from: String, to: String, dashed: Bool)] = []
        for op in validated.ops {
            for name in op.data.referencedInputs { edges.append(("inputs." + name, op.id, false)) }
            for source in op.usedOps { edges.append((source, op.id, false)) }
            for other in op.spec.after where !op.usedOps.contains(other) { edges.append((other, op.id, true)) }
        }
        switch format {
        case .dot:
            var lines = [
                "digraph \"\(escape(validated.workflow.name))\" {", "  rankdir=LR;", "  node [shape=box, fontname=\"Helvetica\"];",
            ]
            for name in inputs { lines.append("  \"inputs.\(escape(name))\" [shape=folder, label=\"\(escape(name))\"];") }
            for op in validated.ops {
                let style = op.isFunctional ? "" : ", style=filled, fillcolor=\"#fde2c0\""
                lines.append("  \"\(escape(op.id))\" [label=\"\(escape(op.id))\\n\(escape(op.spec.target.description))\"\(style)];")
            }
            for edge in edges {
                lines.append("  \"\(escape(edge.from))\" -> \"\(escape(edge.to))\"\(edge.dashed ? " [style=dashed]" : "");")
            }
            lines.append("}")
            return lines.joined(separator: "\n")
        case .mermaid:
            var ids: [String: String] = [:]
            func node(_ name: String) -> String {
                if let id = ids[name] { return id }
                let id = "n\(ids.count)"
                ids[name] = id
                return id
            }
            var lines = ["flowchart LR"]
            for name in inputs { lines.append("  \(node("inputs." + name))[/\"\(mermaidText(name))\"/]") }
            for op in validated.ops {
                let label = "\(mermaidText(op.id))<br/>\(mermaidText(op.spec.target.description))"
                lines.append(op.isFunctional ? "  \(node(op.id))[\"\(label)\"]" : "  \(node(op.id))([\"\(label)\"])")
            }
            for edge in edges {
                lines.append("  \(node(edge.from)) \(edge.dashed ? "-.->" : "-->") \(node(edge.to))")
            }
            return lines.joined(separator: "\n")
        }
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }

    private static func mermaidText(_ text: String) -> String {
        text.replacingOccurrences(of: "\"", with: "#quot;")
    }
}

import ArgumentParser
import ImJoyWorkflow

extension WorkflowGraph.Format: ExpressibleByArgument {}

/// `imjoy-run graph WORKFLOW`: the op DAG as Graphviz dot or Mermaid.
struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Print a workflow's op graph (dot or mermaid). Serial (non-functional) ops are highlighted."
    )

    @OptionGroup var options: WorkflowOptions

    @Option(help: "dot or mermaid.")
    var format: WorkflowGraph.Format = .dot

    func run() throws {
        print(WorkflowGraph.render(try options.validatedWorkflow(), as: format))
    }
}

import ArgumentParser

/// `imjoy-run validate WORKFLOW`: checks a workflow without running anything.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a workflow: plugins, op names, configs, references, cycles, schemas.",
        discussion: "Every problem is printed as FILE: op 'ID' (JSON PATH): message. Exit 0 when valid, 2 otherwise."
    )

    @OptionGroup var options: WorkflowOptions

    func run() throws {
        let plan = try options.plan()
        for warning in plan.validated.warnings { printWarning(warning) }
        print("\(options.workflow): valid — \(plan.items.count) items × \(plan.ops.count) ops = \(plan.taskCount) tasks")
    }
}

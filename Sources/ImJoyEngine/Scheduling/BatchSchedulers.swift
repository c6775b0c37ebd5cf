import Foundation

/// The schedulers imjoy-run knows. A new scheduler is one more entry in ``all``.
public enum BatchSchedulers {
    /// Every scheduler, in the order their environments are tried.
    public static let all: [any BatchScheduler] = [SlurmScheduler()]

    /// The scheduler called `name` (`slurm`).
    public static func named(_ name: String) -> (any BatchScheduler)? {
        all.first { $0.name == name.lowercased() }
    }

    /// The array task this process runs, and its scheduler, when it runs inside an array job.
    public static func arrayTask(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(SchedulerError) -> (scheduler: any BatchScheduler, task: ArrayTask)? {
        for scheduler in all {
            if let task = try scheduler.arrayTask(environment: environment) { return (scheduler, task) }
        }
        return nil
    }

    /// The CPUs a scheduler gave this job, when one did (the default of `--jobs`).
    public static func cpusPerTask(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int? {
        all.lazy.compactMap { $0.cpusPerTask(environment: environment) }.first
    }

    /// The scheduler's job id of this process, when it runs in a job (the shard's run record).
    public static func jobIdentifier(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        all.lazy.compactMap { $0.jobIdentifier(environment: environment) }.first
    }
}

import Foundation

/// A batch scheduler that runs a workflow as an array job (one task per shard) plus a gather job
/// that runs once every task succeeded: Slurm today (``SlurmScheduler``); PBS, LSF or SGE next
/// (docs/ARCHITECTURE.md, "Add a scheduler").
///
/// It answers three questions and does two things:
/// - inside a job: which array task is this and how many are there (``arrayTask(environment:)``),
///   how many CPUs it has (``cpusPerTask(environment:)``), and its job id for the run record
///   (``jobIdentifier(environment:)``);
/// - from a login node: write the array and gather scripts (``scripts(for:)``), and submit them
///   so that the gather job waits for the array (``submit(_:)``), after checking that the
///   scheduler's commands are there (``checkSubmission()``).
///
/// The planning module knows shards only (``Shard``); what an array task means in shards is
/// decided by ``ArrayTask/shard(itemCount:itemsPerTask:)``.
public protocol BatchScheduler: Sendable {
    /// The scheduler's name, lowercase (`slurm`): the CLI command and the registry key.
    var name: String { get }

    /// This process's array task, from the scheduler's environment variables; `nil` outside one.
    /// - Throws: ``SchedulerError/environment(_:)`` when the variables are inconsistent.
    func arrayTask(environment: [String: String]) throws(SchedulerError) -> ArrayTask?

    /// The CPUs the scheduler gave this task, when it says.
    func cpusPerTask(environment: [String: String]) -> Int?

    /// The job (and array task) id, for the shard's run record.
    func jobIdentifier(environment: [String: String]) -> String?

    /// The array and gather job scripts of `request`.
    func scripts(for request: ArrayJobRequest) -> ArrayJobScripts

    /// Throws ``SchedulerError/unavailable(_:)`` when this machine cannot submit (no `sbatch`).
    func checkSubmission() throws(SchedulerError)

    /// Submits the array (held) and the gather job depending on it, then releases the array.
    func submit(_ scripts: SubmittedScripts) throws(SchedulerError) -> SubmittedJobs
}

/// One task of an array job: its position among the array's tasks (0-based, whatever ids the
/// scheduler numbers them with) and the array's size when known.
public struct ArrayTask: Sendable, Equatable {
    /// The task's position: 0 for the first task of the array.
    public var index: Int
    /// The number of tasks in the array, when the environment says.
    public var count: Int?
    /// How the scheduler's variables gave this, for the log (`SLURM_ARRAY_TASK_ID=7 (MIN 3, …)`).
    public var description: String

    public init(index: Int, count: Int?, description: String) {
        self.index = index
        self.count = count
        self.description = description
    }
}

/// What an array job runs: `tasks` tasks of `arrayCommand` (each finds its shard itself) and
/// one gather job of `gatherCommand` after them.
public struct ArrayJobRequest: Sendable {
    public var jobName: String
    public var tasks: Int
    /// At most this many tasks at once.
    public var maxParallel: Int?
    /// Where the scheduler writes each task's and the gather job's output.
    public var logDirectory: String
    public var resources: JobResources
    /// Shell lines run before the command in each job (`module load hdf5`).
    public var setup: [String]
    /// The command of each array task (argv) and the gather job's.
    public var arrayCommand: [String]
    public var gatherCommand: [String]
    /// One line about each job, written into its script as a comment.
    public var arrayComment: String
    public var gatherComment: String

    public init(
        jobName: String, tasks: Int, maxParallel: Int?, logDirectory: String, resources: JobResources, setup: [String],
        arrayCommand: [String], gatherCommand: [String], arrayComment: String, gatherComment: String
    ) {
        self.jobName = jobName
        self.tasks = tasks
        self.maxParallel = maxParallel
        self.logDirectory = logDirectory
        self.resources = resources
        self.setup = setup
        self.arrayCommand = arrayCommand
        self.gatherCommand = gatherCommand
        self.arrayComment = arrayComment
        self.gatherComment = gatherComment
    }
}

/// What each job asks the scheduler for.
public struct JobResources: Sendable {
    public var partition: String?
    /// Wall time per task (`01:00:00`).
    public var time: String?
    /// Memory per task (`4G`).
    public var memory: String?
    /// CPUs per array task (the gather job takes the default).
    public var cpusPerTask: Int?
    /// Options passed to the scheduler as they are (`--account=lab`).
    public var extra: [String]

    public init(partition: String? = nil, time: String? = nil, memory: String? = nil, cpusPerTask: Int? = nil, extra: [String] = []) {
        self.partition = partition
        self.time = time
        self.memory = memory
        self.cpusPerTask = cpusPerTask
        self.extra = extra
    }
}

/// The scripts of an array job, and how a person submits them by hand.
public struct ArrayJobScripts: Sendable {
    public var array: String
    public var gather: String
    /// File names for the two scripts (`array.sbatch`, `gather.sbatch`).
    public var arrayFileName: String
    public var gatherFileName: String
    /// The shell lines that submit the scripts at `arrayPath` and `gatherPath` by hand.
    public var manualSubmission: @Sendable (_ arrayPath: String, _ gatherPath: String) -> String
}

/// The written scripts to submit.
public struct SubmittedScripts: Sendable {
    public var arrayPath: String
    public var gatherPath: String

    public init(arrayPath: String, gatherPath: String) {
        self.arrayPath = arrayPath
        self.gatherPath = gatherPath
    }
}

/// The ids of a submitted array job and its gather job.
public struct SubmittedJobs: Sendable, Equatable {
    public var arrayJob: String
    public var gatherJob: String
}

/// Why a scheduler cannot say or do what was asked.
public enum SchedulerError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The array-task variables are inconsistent or incomplete.
    case environment(String)
    /// The scheduler's commands are not on this machine (bad input: exit 2, nothing written).
    case unavailable(String)
    /// A command of the scheduler failed or printed something unexpected.
    case command(String)

    public var description: String {
        switch self {
        case .environment(let reason), .unavailable(let reason), .command(let reason): reason
        }
    }
}

extension BatchScheduler {
    /// `text` quoted for a POSIX shell when it needs quoting.
    public static func shellQuoted(_ text: String) -> String {
        if !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "/._-=:,+@%".contains($0)) }) { return text }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

import Foundation

/// How a run behaves: parallelism, failure handling, outputs.
public struct RunOptions: Sendable {
    /// How many tasks run at once (default: `SLURM_CPUS_PER_TASK`, else the core count).
    public var jobs: Int
    /// Stop dispatching new tasks at the first failure.
    public var failFast: Bool
    /// Retries of a failed call, for ops that set none themselves.
    public var retries: Int
    /// Where results that no later op consumes are written.
    public var outputDirectory: String
    /// The file format for n-d array results (`tiff` or `hdf5`), unless an op overrides it.
    public var arrayFormat: ArrayFileFormat

    public init(
        jobs: Int = RunOptions.defaultJobs(), failFast: Bool = false, retries: Int = 0,
        outputDirectory: String = "out", arrayFormat: ArrayFileFormat = .tiff
    ) {
        self.jobs = max(1, jobs)
        self.failFast = failFast
        self.retries = max(0, retries)
        self.outputDirectory = outputDirectory
        self.arrayFormat = arrayFormat
    }

    /// The CPUs a batch scheduler gave the job (`SLURM_CPUS_PER_TASK`) when set, else the number of active cores.
    public static func defaultJobs(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        BatchSchedulers.cpusPerTask(environment: environment) ?? ProcessInfo.processInfo.activeProcessorCount
    }
}

/// File formats for n-d array results.
public enum ArrayFileFormat: String, Sendable, CaseIterable {
    case tiff, hdf5

    /// The file extension, without a dot.
    public var fileExtension: String { self == .tiff ? "tif" : "h5" }
}

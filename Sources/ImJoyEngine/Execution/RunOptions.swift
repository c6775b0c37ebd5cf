import Foundation
import ImageIO

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

/// The file format for n-d array results: the name of a format in ImageIO's
/// ``ArrayFormatRegistry/standard`` (`tiff`, `hdf5`; aliases such as `tif` and `h5` are accepted
/// and stored as the format's name). `--format` parses one (`ExpressibleByArgument` through
/// `RawRepresentable` and `CaseIterable`).
public struct ArrayFileFormat: RawRepresentable, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// The format's registry name.
    public let rawValue: String

    /// The registered format called `rawValue` (or an alias of it), else `nil`.
    public init?(rawValue: String) {
        guard let format = ArrayFormatRegistry.standard.format(named: rawValue) else { return nil }
        self.rawValue = format.name
    }

    public static let tiff = ArrayFileFormat(rawValue: "tiff")!
    public static let hdf5 = ArrayFileFormat(rawValue: "hdf5")!

    /// Every registered format.
    public static var allCases: [ArrayFileFormat] {
        ArrayFormatRegistry.standard.names.compactMap(ArrayFileFormat.init(rawValue:))
    }

    /// The format itself.
    public var format: any ArrayFormat { ArrayFormatRegistry.standard.format(named: rawValue)! }

    /// The file extension outputs get, without a dot.
    public var fileExtension: String { format.defaultExtension }

    public var description: String { rawValue }
}

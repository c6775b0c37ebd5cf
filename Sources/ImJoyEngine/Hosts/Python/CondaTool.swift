import Foundation

/// conda, mamba or micromamba: the tool that builds a plugin's prefix environment
/// (`TOOL create -y -p ENVDIR …`), as ImJoy's engine built its named conda environments.
public struct CondaTool: Sendable, Hashable {
    /// The executable's path.
    public var path: String
    /// `conda`, `mamba` or `micromamba`.
    public var name: String { (path as NSString).lastPathComponent }

    public init(path: String) { self.path = path }

    /// The first of conda, mamba, micromamba on `path` (default `PATH`).
    public static func find(path: String? = ProcessInfo.processInfo.environment["PATH"]) -> CondaTool? {
        for name in ["conda", "mamba", "micromamba"] {
            if let found = Subprocess.which(name, path: path) { return CondaTool(path: found) }
        }
        return nil
    }

    /// Whether `command` is a `conda`/`mamba`/`micromamba` command.
    static func isCondaCommand(_ command: String) -> Bool {
        guard let first = words(command).first else { return false }
        return ["conda", "mamba", "micromamba"].contains((first as NSString).lastPathComponent)
    }

    /// `conda create -n NAME python=3.6 numpy` (or `conda env create -f x.yml`) as this tool's
    /// command on the prefix `directory`: `-n/--name` removed, `-p DIR` and `-y` added. Other
    /// conda commands (`conda install …`) get `-p DIR` too. Arguments, run without a shell.
    func prefixCommand(_ command: String, directory: String) -> [String] {
        var rest = Array(words(command).dropFirst())
        var result = [path]
        var index = 0
        while index < rest.count {
            let word = rest[index]
            if word == "-n" || word == "--name" || word == "-p" || word == "--prefix" {
                index += 2
                continue
            }
            if word.hasPrefix("--name=") || word.hasPrefix("--prefix=") {
                index += 1
                continue
            }
            result.append(word)
            index += 1
        }
        rest = result
        let isEnvCreate = rest.count > 2 && rest[1] == "env" && rest[2] == "create"
        if !isEnvCreate && !rest.contains("-y") && !rest.contains("--yes") { rest.append("-y") }
        return rest + ["-p", directory]
    }

    /// `conda install -y -p DIR PACKAGES`.
    func installCommand(_ packages: [String], directory: String) -> [String] {
        [path, "install", "-y", "-p", directory] + packages
    }

    private func words(_ command: String) -> [String] { Self.words(command) }

    static func words(_ command: String) -> [String] {
        command.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
    }

    // MARK: - Without conda

    /// conda packages that have no PyPI package of the same name (a short known list).
    public static let condaOnly: Set<String> = [
        "python", "cudatoolkit", "cudnn", "cuda", "cuda-toolkit", "cuda-nvcc", "mkl", "blas", "libblas", "openblas",
        "nb_conda_kernels", "conda", "mamba", "pip", "git", "nodejs", "ffmpeg", "gcc", "gxx", "libgcc", "vs2015_runtime",
        "openjdk", "r-base", "hdf5", "libtiff", "zlib", "nomkl",
    ]

    /// conda specs as pip requirements: `numpy=1.16` → `numpy==1.16`, `conda-forge::x` → `x`;
    /// `nil` for a conda-only package.
    static func pipRequirement(_ spec: String) -> String? {
        var text = spec
        if let channel = text.range(of: "::") { text = String(text[channel.upperBound...]) }
        let name = String(text.prefix { !"=<>!~ ".contains($0) })
        guard !name.isEmpty, !condaOnly.contains(name.lowercased()) else { return nil }
        let version = text.dropFirst(name.count)
        if version.hasPrefix("=") && !version.hasPrefix("==") {
            // conda's `=1.16` means 1.16.*; a build string after a second `=` is dropped.
            let number = version.dropFirst().split(separator: "=").first.map(String.init) ?? ""
            return number.isEmpty ? name : name + "==" + (number.hasSuffix("*") ? number : number + ".*")
        }
        return name + version
    }
}

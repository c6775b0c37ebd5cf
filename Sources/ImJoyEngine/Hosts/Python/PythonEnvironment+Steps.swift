import Foundation
import ImJoyPlugin

extension PythonEnvironment {
    /// One command of the preparation.
    public struct Step: Sendable, CustomStringConvertible {
        /// The program and its arguments (run without a shell), or `nil` for a shell command.
        public var arguments: [String]?
        /// A shell command (`cmd:` requirements, non-conda `env` entries).
        public var shell: String?
        /// Whether it runs only with `--allow-install`.
        public var needsPermission: Bool

        public var description: String {
            shell ?? (arguments ?? []).map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
        }
    }

    /// What the preparation will do: its commands in order, and warnings to print first.
    public struct Plan: Sendable {
        public var steps: [Step]
        public var warnings: [String]
    }

    /// The commands that prepare the environment, in order.
    ///
    /// - Throws: ``PluginHostError`` when a `conda:` requirement names a conda-only package
    ///   and no conda tool is on PATH, or no interpreter was chosen for a venv.
    public func plan() throws(PluginHostError) -> Plan {
        var steps: [Step] = []
        var warnings: [String] = []
        var pip: [String] = []
        var condaPackages: [String] = []
        for requirement in plugin.config.requirements {
            switch requirement {
            case .pip(let packages): pip += packages
            case .conda(let packages): condaPackages += packages
            default: continue
            }
        }
        if let conda {
            steps += condaSteps(conda, packages: condaPackages)
        } else {
            guard let base else { throw error("no Python interpreter was chosen for the environment") }
            for entry in plugin.config.environment {
                guard case .command(let command) = entry, !command.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
                if CondaTool.isCondaCommand(command) {
                    warnings.append("no conda, mamba or micromamba on PATH: '\(command)' is not run; the environment is a venv of \(base)")
                } else {
                    steps.append(Step(arguments: nil, shell: command, needsPermission: true))
                }
            }
            let fallback = try pipFallback(condaPackages)
            if !fallback.isEmpty {
                warnings.append(
                    "no conda, mamba or micromamba on PATH: conda: packages installed with pip instead: \(fallback.joined(separator: " "))")
            }
            let needsPip = !pip.isEmpty || !fallback.isEmpty
            steps.append(
                Step(
                    arguments: [base.path, "-m", "venv", "--system-site-packages"] + (needsPip ? [] : ["--without-pip"]) + [directory],
                    shell: nil, needsPermission: false))
            if !fallback.isEmpty { steps.append(pipStep(fallback, needsPermission: true)) }
        }
        for requirement in plugin.config.requirements {
            switch requirement {
            case .repository(let url, let folder):
                steps.append(
                    Step(
                        arguments: ["git", "clone", "--depth=1", url, repositoryFolder(url: url, directory: folder)], shell: nil,
                        needsPermission: true))
            case .command(let command):
                steps.append(Step(arguments: nil, shell: command, needsPermission: true))
            default:
                continue
            }
        }
        if !pip.isEmpty { steps.append(pipStep(pip, needsPermission: conda != nil)) }
        return Plan(steps: steps, warnings: warnings)
    }

    /// `python -m pip install PACKAGES` in the environment.
    private func pipStep(_ packages: [String], needsPermission: Bool) -> Step {
        Step(
            arguments: [python, "-m", "pip", "install", "--disable-pip-version-check", "-q"] + packages, shell: nil,
            needsPermission: needsPermission)
    }

    /// The conda environment: the plugin's `conda create` (as `-p DIR`), else one of its own;
    /// then its other `env` commands and `conda install -p DIR` of the `conda:` packages.
    private func condaSteps(_ conda: CondaTool, packages: [String]) -> [Step] {
        var steps: [Step] = []
        var created = false
        for entry in plugin.config.environment {
            guard case .command(let command) = entry, !command.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            if CondaTool.isCondaCommand(command) {
                let arguments = conda.prefixCommand(command, directory: directory)
                created = created || arguments.contains("create")
                steps.append(Step(arguments: arguments, shell: nil, needsPermission: true))
            } else {
                steps.append(Step(arguments: nil, shell: command, needsPermission: true))
            }
        }
        if !created {
            let python = PythonVersionRequest.version(of: plugin).map { "python=" + $0 } ?? "python"
            steps.insert(
                Step(arguments: [conda.path, "create", "-y", "-p", directory, python, "pip"], shell: nil, needsPermission: true), at: 0)
        }
        if !packages.isEmpty {
            steps.append(Step(arguments: conda.installCommand(packages, directory: directory), shell: nil, needsPermission: true))
        }
        return steps
    }

    /// `conda:` packages as pip requirements; throws for conda-only ones.
    private func pipFallback(_ packages: [String]) throws(PluginHostError) -> [String] {
        let converted = packages.map { ($0, CondaTool.pipRequirement($0)) }
        let condaOnly = converted.filter { $0.1 == nil }.map(\.0)
        guard condaOnly.isEmpty else {
            throw error(
                "conda: requirement \(condaOnly.joined(separator: " ")) has no pip package; install conda, mamba or micromamba (on PATH) to prepare this plugin"
            )
        }
        return converted.compactMap(\.1)
    }

    func error(_ text: String) -> PluginHostError {
        PluginHostError(.other(text), runtime: .python, plugin: plugin.config.name)
    }
}

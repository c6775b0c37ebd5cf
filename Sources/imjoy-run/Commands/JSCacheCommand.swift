import ArgumentParser
import Foundation
import ImJoyEngine

/// `imjoy-run js-cache add URL FILE`, `js-cache import DIR`, `js-cache list`: the local copies of
/// the script URLs web-worker plugins load (batch runs are offline).
struct JSCacheCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "js-cache",
        abstract: "Manage local copies of the script URLs web-worker plugins load (requirements, importScripts, fetch).",
        discussion: """
            Batch runs never download. A web-worker plugin's requirement URL is served from the
            copy added here; a URL without a copy fails the plugin's items, naming the URL.
            """,
        subcommands: [Add.self, Import.self, List.self]
    )

    struct CacheOption: ParsableArguments {
        @Option(
            name: .customLong("js-cache"), help: "The cache folder (default: $XDG_CACHE_HOME/imjoy-run/js, else ~/.cache/imjoy-run/js).")
        var directory: String?

        var cache: JavaScriptCache { directory.map(JavaScriptCache.init(directory:)) ?? JavaScriptCache() }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Store FILE as the content of URL.")

        @Argument(help: "The URL as the plugin writes it.")
        var url: String

        @Argument(help: "A local file with the URL's content.")
        var file: String

        @OptionGroup var options: CacheOption

        func run() throws {
            let path = try withInputErrors { try options.cache.add(url: url, file: file) }
            print("\(url) -> \(path)")
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Store every file under DIR as BASE-URL/<its path under DIR>.",
            discussion: "E.g. `imjoy-run js-cache import mirror/ --base-url https://cdn.jsdelivr.net/npm/` for a mirrored CDN tree.")

        @Argument(help: "A folder of downloaded scripts.")
        var folder: String

        @Option(help: "The URL the folder stands for.")
        var baseURL: String

        @OptionGroup var options: CacheOption

        func run() throws {
            let root = URL(fileURLWithPath: folder).standardizedFileURL
            guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else {
                printError("js-cache import: cannot read \(folder)")
                throw ExitCode.invalidInput
            }
            let base = baseURL.hasSuffix("/") ? baseURL : baseURL + "/"
            var count = 0
            for case let file as URL in walker where (try? file.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
                let relative = String(file.standardizedFileURL.path.dropFirst(root.path.count + 1))
                _ = try withInputErrors { try options.cache.add(url: base + relative, file: file.path) }
                count += 1
            }
            print("imported \(count) files as \(base)…")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the cached URLs.")

        @OptionGroup var options: CacheOption

        func run() throws {
            let cache = options.cache
            for (url, _) in cache.entries() { print("\(url)\t\(cache.path(for: url))") }
        }
    }
}

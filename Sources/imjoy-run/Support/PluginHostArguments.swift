import ArgumentParser
import ImJoyEngine

/// Options of the commands that start plugin processes (`run`, `check-functional`): which
/// interpreters serve Python and web-worker plugins, and where script URLs are found offline.
struct PluginHostArguments: ParsableArguments {
    @Option(help: "The Python interpreter for Python plugins (over prepared environments and the plugins' cmd).")
    var python: String?

    @Option(help: "The Node.js executable for web-worker plugins (default: node, then nodejs, on PATH).")
    var node: String?

    @Option(help: "Local copies of web-worker plugins' script URLs (default: ~/.cache/imjoy-run/js; `imjoy-run js-cache`).")
    var jsCache: String?

    /// `--node` and `--js-cache` as the hosts take them.
    var javascript: JavaScriptHostOptions { JavaScriptHostOptions(node: node, cacheDirectory: jsCache) }
}

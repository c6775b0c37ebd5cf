// swift-tools-version: 6.0
//
// imjoy-run: a batch workflow runner for ImJoy plugins.
//
// Module map (see docs/ARCHITECTURE.md):
//   ImJoySchema   JSON values, JSON/YAML decoding, draft-07 + ImJoy schema validation
//   ImJoyPlugin   plugin files (*.imjoy.html), configs, tags, manifests, plugin resolution
//   ImageIO       n-dimensional arrays, TIFF (libtiff) and HDF5 (libhdf5), OME-Zarr, remote inputs (http, s3)
//   ImJoyWorkflow workflow files, the DAG, planning
//   ImJoyEngine   execution, plugin hosts, cache, provenance
//   imjoy-run     the command-line tool
import PackageDescription

let package = Package(
    name: "imjoy-run",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "imjoy-run", targets: ["imjoy-run"]),
        .library(name: "ImJoySchema", targets: ["ImJoySchema"]),
        .library(name: "ImJoyPlugin", targets: ["ImJoyPlugin"]),
        .library(name: "ImageIO", targets: ["ImageIO"]),
        .library(name: "ImJoyWorkflow", targets: ["ImJoyWorkflow"]),
        .library(name: "ImJoyEngine", targets: ["ImJoyEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // MARK: - C libraries
        .systemLibrary(
            name: "CTIFF",
            pkgConfig: "libtiff-4",
            providers: [.apt(["libtiff-dev"]), .brew(["libtiff"])]
        ),
        .systemLibrary(
            name: "CHDF5",
            pkgConfig: "hdf5-serial",
            providers: [.apt(["libhdf5-dev"]), .brew(["hdf5"])]
        ),
        .systemLibrary(name: "CDeflate", pkgConfig: "libdeflate", providers: [.apt(["libdeflate-dev"]), .brew(["libdeflate"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"]), .brew(["zstd"])]),
        .systemLibrary(name: "CBlosc", pkgConfig: "blosc", providers: [.apt(["libblosc-dev"]), .brew(["c-blosc"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]),

        // MARK: - Modules
        .target(
            name: "ImJoySchema",
            dependencies: [
                .product(name: "OrderedCollections", package: "swift-collections"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "ImJoyPlugin",
            dependencies: [
                "ImJoySchema",
                .product(name: "OrderedCollections", package: "swift-collections"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "ImageIO",
            dependencies: ["CTIFF", "CHDF5", "CDeflate", "CZstd", "CBlosc", "COpenSSL", "ImJoySchema"]
        ),
        .target(
            name: "ImJoyWorkflow",
            dependencies: [
                "ImJoySchema", "ImJoyPlugin",
                .product(name: "OrderedCollections", package: "swift-collections"),
            ]
        ),
        .target(
            name: "ImJoyEngine",
            dependencies: [
                "COpenSSL", "ImJoySchema", "ImJoyPlugin", "ImageIO", "ImJoyWorkflow",
                .product(name: "HeapModule", package: "swift-collections"),
            ],
            resources: [.copy("Resources/imjoy_host.py"), .copy("Resources/imjoy_host.js")]
        ),
        .executableTarget(
            name: "imjoy-run",
            dependencies: [
                "ImJoySchema", "ImJoyPlugin", "ImageIO", "ImJoyWorkflow", "ImJoyEngine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Benchmark driver used by scripts/bench; never part of the unit tests.
        .executableTarget(
            name: "imjoy-bench",
            dependencies: ["ImJoySchema", "ImJoyPlugin", "ImageIO", "ImJoyWorkflow", "ImJoyEngine", "CDeflate"]
        ),

        // MARK: - Fuzz targets (see Fuzz/README.md; built with --sanitize fuzzer)
        .executableTarget(name: "fuzz-plugin-parser", dependencies: ["ImJoyPlugin"], path: "Fuzz/PluginParser"),
        .executableTarget(name: "fuzz-schema", dependencies: ["ImJoySchema"], path: "Fuzz/SchemaFuzz"),
        .executableTarget(name: "fuzz-tiff", dependencies: ["ImageIO"], path: "Fuzz/TIFFFuzz"),
        .executableTarget(name: "fuzz-hdf5", dependencies: ["ImageIO"], path: "Fuzz/HDF5Fuzz"),
        .executableTarget(
            name: "fuzz-workflow-loader", dependencies: ["ImJoySchema", "ImJoyPlugin", "ImJoyWorkflow"], path: "Fuzz/WorkflowLoaderFuzz"),
        .executableTarget(name: "fuzz-csv", dependencies: ["ImJoyWorkflow"], path: "Fuzz/CSVFuzz"),

        // MARK: - Tests
        .target(name: "TestSupport", dependencies: ["ImJoySchema"], path: "Tests/TestSupport"),
        .testTarget(name: "ImJoySchemaTests", dependencies: ["ImJoySchema", "TestSupport"]),
        .testTarget(name: "ImJoyPluginTests", dependencies: ["ImJoyPlugin", "TestSupport"]),
        .testTarget(name: "ImageIOTests", dependencies: ["ImageIO", "TestSupport"]),
        .testTarget(name: "ImJoyWorkflowTests", dependencies: ["ImJoyWorkflow", "TestSupport"]),
        .testTarget(name: "ImJoyEngineTests", dependencies: ["ImJoyEngine", "ImJoyWorkflow", "ImJoySchema", "TestSupport"]),
        .testTarget(name: "ImJoyRunCLITests", dependencies: ["TestSupport"]),
    ]
)

import Foundation
import Synchronization
import TestSupport
import Testing

/// The cache, provenance, manifest.json, verify and report, through the built binary
/// (docs/reproducibility.md).
@Suite(.serialized, .enabled(if: TestConditions.pythonWithNumpy, "needs python3 with numpy, tifffile, h5py and scipy"))
struct ReproducibilityTests {
    static let workflow = """
        {"name": "repro", "version": "1.0", "inputs": {"images": {"glob": "*.tif"}},
         "ops": [{"id": "load", "builtin": "read-tiff"},
                 {"id": "gaussian", "builtin": "gaussian", "config": {"sigma": 2}},
                 {"id": "mask", "builtin": "threshold", "config": {"method": "mean", "foreground": 255}},
                 {"id": "stats", "builtin": "stats", "data": "$gaussian"},
                 {"id": "proj", "builtin": "max-projection", "data": "$gaussian"},
                 {"id": "keep", "builtin": "write-hdf5", "config": {"path": "{item}.h5", "dataset": "smooth"}, "data": "$gaussian"},
                 {"id": "save", "builtin": "write-tiff", "config": {"path": "{stem}_mask.tif", "imagej": "yes"}, "data": "$mask"}]}
        """

    static func run(_ arguments: [String], in directory: URL) throws -> CommandResult {
        try CommandRunner.imjoyRun(arguments + ["--no-progress"], in: directory)
    }

    /// SHA-256 of every output file (state and events left out) and of manifest.json without its timestamps.
    static func fingerprint(_ out: URL) throws -> String {
        let result = try CommandRunner.python(
            """
            import sys, os, json, hashlib
            root = sys.argv[1]; digest = {}
            for folder, dirs, files in os.walk(root):
                dirs[:] = [d for d in dirs if d != ".imjoy-run"]
                for name in files:
                    path = os.path.join(folder, name); rel = os.path.relpath(path, root)
                    # A kill -9 mid-write leaves a temporary sibling, never a final name.
                    if name.startswith(".") and ".tmp-" in name: continue
                    if rel.startswith("gathered-"): continue
                    data = open(path, "rb").read()
                    if rel == "manifest.json":
                        m = json.loads(data); m.pop("timestamps")
                        data = json.dumps(m, sort_keys=True).encode()
                    digest[rel] = hashlib.sha256(data).hexdigest()
            print(json.dumps(digest, sort_keys=True))
            """, [out.path])
        #expect(result.status == 0, "\(result.standardError)")
        return result.standardOutput
    }

    @Test func cacheHitsMissesAndExplainsReruns() throws {
        let directory = try RunCommandTests.makeBatch(count: 3, workflow: Self.workflow)
        defer { try? FileManager.default.removeItem(at: directory) }
        let cold = try Self.run(["run", "w.json", "--out", "out"], in: directory)
        #expect(cold.status == 0, "\(cold.standardError)")
        #expect(cold.standardError.contains("0 hits, 12 misses"), "\(cold.standardError)")
        let warm = try Self.run(["run", "w.json", "--out", "out"], in: directory)
        #expect(warm.standardError.contains("12 hits, 0 misses"), "\(warm.standardError)")
        let text = try String(contentsOf: directory.appendingPathComponent("w.json"), encoding: .utf8)
        try text.replacingOccurrences(of: "\"sigma\": 2", with: "\"sigma\": 3").write(
            to: directory.appendingPathComponent("w.json"), atomically: true, encoding: .utf8)
        let changed = try Self.run(["run", "w.json", "--out", "out"], in: directory)
        #expect(changed.standardError.contains("gaussian reran for item img_1: config.sigma changed 2 → 3"), "\(changed.standardError)")
        #expect(changed.standardError.contains("mask reran for item img_1: its input from gaussian changed"))
        #expect(changed.standardError.contains("0 hits, 12 misses"), "\(changed.standardError)")
        let forced = try Self.run(["run", "w.json", "--out", "out", "--rerun", "gaussian"], in: directory)
        #expect(forced.standardError.contains("gaussian reran for item img_0: --rerun gaussian"))
        #expect(forced.standardError.contains("9 hits, 3 misses"), "\(forced.standardError)")
        let none = try Self.run(["run", "w.json", "--out", "out2", "--no-cache"], in: directory)
        #expect(!none.standardError.contains("hits"))
        // Provenance: TIFF description (JSON), the private tag beside ImageJ metadata, the JSON sidecar.
        let check = try CommandRunner.python(
            """
            import sys, json, tifffile
            out = sys.argv[1] + "/out"
            page = tifffile.TiffFile(out + "/img_0_mask.tif").pages[0]
            assert page.description.startswith("ImageJ=") and page.tags[65432].dtype == 2  # ASCII
            p = json.loads(bytes(page.tags[65432].value).rstrip(b"\\0").decode())
            d = json.loads(tifffile.TiffFile(out + "/img_0/proj.tif").pages[0].description)
            assert [s["op"] for s in d["lineage"]] == ["load", "gaussian", "proj"] and d["variables"] == {}
            assert [s["op"] for s in p["lineage"]] == ["load", "gaussian", "mask", "save"], p["lineage"]
            assert p["workflow"]["name"] == "repro" and p["workflow_id"] == "repro-img_0" and p["lineage"][1]["config"]["sigma"] == 3
            side = json.load(open(out + "/img_0/stats.provenance.json"))
            assert [s["op"] for s in side["lineage"]] == ["load", "gaussian", "stats"]
            assert list(side["inputs"]["files"].values())[0]
            m = json.load(open(out + "/manifest.json"))
            assert {o["path"] for o in m["outputs"]} >= {"img_0_mask.tif", "img_0/stats.json", "img_0/stats.provenance.json"}
            print("ok")
            """, [directory.path])
        #expect(check.status == 0, "\(check.standardError)")
    }

    @Test func hdf5OutputsCarryProvenanceAttributes() throws {
        let workflow = """
            {"name": "h5", "inputs": {"images": {"glob": "*.tif"}},
             "ops": [{"id": "load", "builtin": "read-tiff"},
                     {"id": "smooth", "builtin": "gaussian", "config": {"sigma": 1}},
                     {"id": "keep", "builtin": "write-hdf5", "config": {"path": "{item}.h5", "dataset": "smooth"}, "data": "$smooth"},
                     {"id": "mask", "builtin": "threshold", "data": "$smooth"},
                     {"id": "all", "builtin": "write-hdf5", "config": {"path": "all.h5", "dataset": "mask"}, "data": "$mask"},
                     {"id": "proj", "builtin": "max-projection", "data": "$smooth"}]}
            """
        let directory = try RunCommandTests.makeBatch(count: 2, workflow: workflow)
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try Self.run(["run", "w.json", "--out", "out", "--format", "hdf5"], in: directory)
        #expect(run.status == 0, "\(run.standardError)")
        let check = try CommandRunner.python(
            """
            import sys, json, h5py
            out = sys.argv[1] + "/out"
            def lineage(obj): return [s["op"] for s in json.loads(obj.attrs["imjoy_provenance"])["lineage"]]
            with h5py.File(out + "/img_0.h5") as f:
                assert lineage(f["smooth"]) == ["load", "smooth", "keep"], lineage(f["smooth"])
            with h5py.File(out + "/all.h5") as f:
                assert lineage(f["img_1/mask"]) == ["load", "smooth", "mask", "all"]
            with h5py.File(out + "/img_0/proj.h5") as f:
                assert lineage(f["proj"]) == ["load", "smooth", "proj"]
            print("ok")
            """, [directory.path])
        #expect(check.status == 0, "\(check.standardError)")
    }

    @Test func concurrentWritersShareOneCache() throws {
        let directory = try RunCommandTests.makeBatch(count: 6, workflow: Self.workflow)
        defer { try? FileManager.default.removeItem(at: directory) }
        let results = ManagedResults()
        DispatchQueue.concurrentPerform(iterations: 3) { index in
            let result = try? Self.run(["run", "w.json", "--out", "out\(index)", "--cache", "shared-cache", "--jobs", "2"], in: directory)
            results.append(result)
        }
        for result in results.all { #expect(result?.status == 0, "\(result?.standardError ?? "")") }
        let again = try Self.run(["run", "w.json", "--out", "out9", "--cache", "shared-cache"], in: directory)
        #expect(again.standardError.contains("24 hits, 0 misses"), "\(again.standardError)")
        let prints = try (0..<3).map { try Self.fingerprint(directory.appendingPathComponent("out\($0)")) }
        #expect(Set(prints).count == 1)
        let prune = try CommandRunner.imjoyRun(["cache", "prune", "--cache", "shared-cache", "--max-size", "0"], in: directory)
        #expect(prune.status == 0 && prune.standardOutput.contains("0 bytes left"), "\(prune.standardOutput)\(prune.standardError)")
        let cold = try Self.run(["run", "w.json", "--out", "out9", "--cache", "shared-cache"], in: directory)
        #expect(cold.standardError.contains("0 hits"), "\(cold.standardError)")
        #expect(cold.standardError.contains("its cache entry is gone"), "\(cold.standardError)")
    }

    /// A warm run writes write-hdf5's stored compressed chunks into a byte-identical shared file;
    /// damaged chunk blobs fall back to compressing (same bytes) and are replaced.
    @Test func warmRunsReuseStoredHDF5ChunksByteForByte() throws {
        let workflow = """
            {"name": "chunks", "inputs": {"images": {"glob": "*.tif"}},
             "ops": [{"id": "load", "builtin": "read-tiff"},
                     {"id": "smooth", "builtin": "gaussian", "config": {"sigma": 2}},
                     {"id": "mask", "builtin": "threshold", "config": {"method": "mean"}},
                     {"id": "save", "builtin": "write-hdf5", "config": {"path": "all.h5", "dataset": "mask", "level": 4}}]}
            """
        let directory = try RunCommandTests.makeBatch(count: 5, workflow: workflow)
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try Self.run(["run", "w.json", "--out", "plain", "--no-cache", "--jobs", "1"], in: directory).status == 0)
        #expect(try Self.run(["run", "w.json", "--out", "cold", "--cache", "c", "--jobs", "1"], in: directory).status == 0)
        let blobs = try FileManager.default.subpathsOfDirectory(atPath: directory.appendingPathComponent("c/entries").path)
            .filter { $0.hasSuffix("/hdf5-chunks.bin") }.map { directory.appendingPathComponent("c/entries/" + $0) }
        #expect(blobs.count == 5, "\(blobs)")
        let originals = try blobs.map { try Data(contentsOf: $0) }
        let plain = try Self.fingerprint(directory.appendingPathComponent("plain"))
        #expect(try Self.fingerprint(directory.appendingPathComponent("cold")) == plain)
        let warm = try Self.run(["run", "w.json", "--out", "warm", "--cache", "c", "--jobs", "1"], in: directory)
        #expect(warm.standardError.contains("10 hits, 0 misses"), "\(warm.standardError)")
        #expect(try Self.fingerprint(directory.appendingPathComponent("warm")) == plain)
        // Truncate one blob, flip a byte in another, empty a third.
        try originals[0].prefix(originals[0].count - 1).write(to: blobs[0])
        var flipped = originals[1]
        flipped[flipped.count - 10] ^= 0x40
        try flipped.write(to: blobs[1])
        try Data().write(to: blobs[2])
        #expect(try Self.run(["run", "w.json", "--out", "damaged", "--cache", "c", "--jobs", "1"], in: directory).status == 0)
        #expect(try Self.fingerprint(directory.appendingPathComponent("damaged")) == plain)
        #expect(try blobs.map { try Data(contentsOf: $0) } == originals, "damaged blobs were not replaced")
        let check = try CommandRunner.python(
            """
            import sys, h5py, numpy as np
            with h5py.File(sys.argv[1] + "/warm/all.h5") as f, h5py.File(sys.argv[1] + "/plain/all.h5") as g:
                assert sorted(f.keys()) == [f"img_{i}" for i in range(5)], list(f.keys())
                for name in f: assert np.array_equal(f[name]["mask"][()], g[name]["mask"][()])
            print("ok")
            """, [directory.path])
        #expect(check.status == 0, "\(check.standardError)")
    }

    /// The determinism matrix: --jobs, shard counts, cold and warm cache, kill -9 and resume.
    @Test func sameBytesForEveryWayOfRunning() throws {
        let count = 40
        let directory = try RunCommandTests.makeBatch(count: count, workflow: Self.workflow)
        defer { try? FileManager.default.removeItem(at: directory) }
        var prints: [String: String] = [:]
        #expect(try Self.run(["run", "w.json", "--out", "jobs1", "--jobs", "1", "--no-cache"], in: directory).status == 0)
        prints["jobs 1"] = try Self.fingerprint(directory.appendingPathComponent("jobs1"))
        #expect(try Self.run(["run", "w.json", "--out", "jobs4", "--jobs", "4", "--cache", "c"], in: directory).status == 0)
        prints["jobs 4, cold cache"] = try Self.fingerprint(directory.appendingPathComponent("jobs4"))
        let warm = try Self.run(["run", "w.json", "--out", "warm", "--jobs", "3", "--cache", "c"], in: directory)
        #expect(warm.standardError.contains("160 hits, 0 misses"), "\(warm.standardError)")
        prints["warm cache"] = try Self.fingerprint(directory.appendingPathComponent("warm"))
        for shards in [2, 3] {
            for index in 0..<shards {
                #expect(try Self.run(["run", "w.json", "--out", "s\(shards)", "--shard", "\(index)/\(shards)"], in: directory).status == 0)
            }
            let gather = try CommandRunner.imjoyRun(["gather", "w.json", "--out", "s\(shards)"], in: directory)
            #expect(gather.status == 0, "\(gather.standardError)")
            prints["\(shards) shards"] = try Self.fingerprint(directory.appendingPathComponent("s\(shards)"))
        }
        // kill -9 once some items are complete, then resume.
        let process = Process()
        process.executableURL = Fixtures.imjoyRunExecutable
        process.arguments = ["run", "w.json", "--out", "killed", "--jobs", "1", "--no-cache", "--no-progress"]
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let records = directory.appendingPathComponent("killed/.imjoy-run/items")
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, ((try? FileManager.default.contentsOfDirectory(atPath: records.path))?.count ?? 0) < 2 { usleep(2000) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let resumed = try Self.run(["run", "w.json", "--out", "killed", "--resume", "--no-cache"], in: directory)
        #expect(resumed.status == 0, "\(resumed.standardError)")
        // The kill landed mid-run: some items were complete, not all.
        #expect(
            resumed.standardError.contains("resume: skipped") && !resumed.standardError.contains("skipped \(count) of \(count)"),
            "\(resumed.standardError)")
        print("kill -9 + resume: \(resumed.standardError.split(separator: "\n").first { $0.contains("resume:") } ?? "")")
        prints["kill -9 + resume"] = try Self.fingerprint(directory.appendingPathComponent("killed"))
        let reference = prints["jobs 1"]!
        #expect(reference.contains("manifest.json") && reference.contains("img_39_mask.tif") && reference.contains("img_39.h5"))
        for (variant, value) in prints.sorted(by: { $0.key < $1.key }) {
            #expect(value == reference, "\(variant) differs from --jobs 1:\n\(value)\nvs\n\(reference)")
        }
    }

    /// Files shared by all items (`all.h5` written by write-hdf5, `proj.h5` as an op's output)
    /// has the same bytes whatever order the items finish in: --jobs 1, --jobs 4 (twice), and a
    /// warm cache with --jobs 3. Without the ordering, datasets land in the order of completion.
    @Test func sharedHDF5FileHasTheSameBytesForAnyJobs() throws {
        let workflow = """
            {"name": "shared", "version": "1.0", "inputs": {"images": {"glob": "*.tif"}},
             "ops": [{"id": "load", "builtin": "read-tiff"},
                     {"id": "gaussian", "builtin": "gaussian", "config": {"sigma": 1}},
                     {"id": "mask", "builtin": "threshold", "config": {"method": "mean"}},
                     {"id": "all", "builtin": "write-hdf5", "config": {"path": "all.h5", "dataset": "mask", "level": 4}},
                     {"id": "proj", "builtin": "max-projection", "data": "$gaussian", "output": {"format": "hdf5", "path": "proj.h5"}}]}
            """
        let directory = try RunCommandTests.makeBatch(count: 24, workflow: workflow)
        defer { try? FileManager.default.removeItem(at: directory) }
        var prints: [String: String] = [:]
        for (name, arguments) in [
            ("jobs1", ["--jobs", "1", "--no-cache"]), ("jobs4", ["--jobs", "4", "--no-cache"]),
            ("jobs4-again", ["--jobs", "4", "--cache", "c"]), ("warm", ["--jobs", "3", "--cache", "c"]),
        ] {
            let result = try Self.run(["run", "w.json", "--out", name] + arguments, in: directory)
            #expect(result.status == 0, "\(result.standardError)")
            prints[name] = try Self.fingerprint(directory.appendingPathComponent(name))
        }
        let reference = try #require(prints["jobs1"])
        #expect(reference.contains("\"all.h5\"") && reference.contains("\"proj.h5\""), "\(reference)")
        for (variant, value) in prints.sorted(by: { $0.key < $1.key }) {
            #expect(value == reference, "\(variant) differs from --jobs 1:\n\(value)\nvs\n\(reference)")
        }
        // The datasets are all there, in item order, with the right data.
        let check = try CommandRunner.python(
            """
            import sys, h5py, numpy as np, tifffile, glob, os
            root = sys.argv[1]
            with h5py.File(os.path.join(root, "jobs4", "all.h5"), "r") as f:
                keys = list(f.keys())
                assert keys == sorted(keys) and len(keys) == 24, keys
                for key in keys:
                    assert f[key]["mask"].shape == tifffile.imread(os.path.join(root, key + ".tif")).shape
            print("ok")
            """, [directory.path])
        #expect(check.standardOutput == "ok\n", "\(check.standardError)")
    }

    @Test func verifyPassesThenCatchesAChangedOutput() throws {
        let directory = try RunCommandTests.makeBatch(count: 3, workflow: Self.workflow)
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try Self.run(["run", "w.json", "--out", "out"], in: directory).status == 0)
        let ok = try CommandRunner.imjoyRun(["verify", "out/manifest.json"], in: directory)
        #expect(ok.status == 0, "\(ok.standardOutput)\(ok.standardError)")
        #expect(ok.standardOutput.contains("identical  img_0_mask.tif"))
        // A tampered hash in the manifest.
        let manifest = directory.appendingPathComponent("out/manifest.json")
        let original = try String(contentsOf: manifest, encoding: .utf8)
        let tamper = try CommandRunner.python(
            """
            import sys, json
            m = json.load(open(sys.argv[1]))
            entry = next(o for o in m["outputs"] if o["path"] == "img_2/stats.json")
            entry["sha256"] = "0" * 64
            json.dump(m, open(sys.argv[1], "w"), indent=2, sort_keys=True)
            """, [manifest.path])
        #expect(tamper.status == 0)
        let tampered = try CommandRunner.imjoyRun(["verify", "out/manifest.json"], in: directory)
        #expect(tampered.status == 1)
        #expect(tampered.standardOutput.contains("different  img_2/stats.json"), "\(tampered.standardOutput)")
        try original.write(to: manifest, atomically: true, encoding: .utf8)
        // An input file changed since the run: its outputs come out different.
        let tweak = try CommandRunner.python(
            """
            import sys, numpy as np, tifffile
            tifffile.imwrite(sys.argv[1] + "/img_1.tif", np.full((32, 40), 7, dtype=np.uint16))
            """, [directory.path])
        #expect(tweak.status == 0)
        let bad = try CommandRunner.imjoyRun(["verify", "out/manifest.json"], in: directory)
        #expect(bad.status == 1, "\(bad.standardOutput)")
        #expect(bad.standardOutput.contains("different  img_1/stats.json"), "\(bad.standardOutput)")
        #expect(bad.standardOutput.contains("input changed:"))
        #expect(bad.standardOutput.contains("identical  img_0_mask.tif"))
    }

    @Test func verifyNamesAnOutputChangedOnDiskAndNoRerunChecksOnlyTheDisk() throws {
        let directory = try RunCommandTests.makeBatch(count: 2, workflow: Self.workflow)
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try Self.run(["run", "w.json", "--out", "out"], in: directory).status == 0)
        try Data("{}".utf8).write(to: directory.appendingPathComponent("out/img_1/stats.json"))
        let cheap = try CommandRunner.imjoyRun(["verify", "out/manifest.json", "--no-rerun"], in: directory)
        #expect(cheap.status == 1, "\(cheap.standardOutput)\(cheap.standardError)")
        #expect(cheap.standardOutput.contains("changed    img_1/stats.json  (on disk:"), "\(cheap.standardOutput)")
        #expect(!cheap.standardOutput.contains("identical  img_0_mask.tif"), "no rerun: \(cheap.standardOutput)")
        let full = try CommandRunner.imjoyRun(["verify", "out/manifest.json"], in: directory)
        #expect(full.status == 1)
        #expect(full.standardOutput.contains("changed    img_1/stats.json"))
        #expect(full.standardOutput.contains("identical  img_1/stats.json"), "the rerun re-derives it: \(full.standardOutput)")
        let unreadable = try CommandRunner.imjoyRun(["verify", "nope/manifest.json"], in: directory)
        #expect(unreadable.status == 2)
        #expect(unreadable.standardError.split(separator: "\n").count == 1, "\(unreadable.standardError)")
    }

    @Test func reportRendersATimeline() throws {
        let directory = try RunCommandTests.makeBatch(count: 8, workflow: Self.workflow)
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try Self.run(["run", "w.json", "--out", "out", "--jobs", "3", "--events", "events.jsonl"], in: directory).status == 0)
        let report = try CommandRunner.imjoyRun(["report", "events.jsonl", "-o", "report.html"], in: directory)
        #expect(report.status == 0, "\(report.standardError)")
        let html = try String(contentsOf: directory.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("<svg id=\"timeline\"") && html.contains("<table id=\"durations\"") && html.contains("<svg id=\"dag\""))
        #expect(!html.contains("<script") && !html.contains("src=\"http"))
    }

    @Test(.enabled(if: TestConditions.chromium != nil, "chromium is not installed (apt-get install -y chromium)"))
    func reportScreenshotShowsTheTimeline() throws {
        let directory = try RunCommandTests.makeBatch(count: 8, workflow: Self.workflow)
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try Self.run(["run", "w.json", "--out", "out", "--jobs", "3", "--events", "events.jsonl"], in: directory).status == 0)
        #expect(try CommandRunner.imjoyRun(["report", "events.jsonl", "-o", "report.html"], in: directory).status == 0)
        let chromium = try #require(TestConditions.chromium)
        let shot = directory.appendingPathComponent("shot.png")
        let render = try CommandRunner.run(
            chromium,
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--screenshot=\(shot.path)", "--window-size=1200,900",
                "file://" + directory.appendingPathComponent("report.html").path,
            ], in: directory)
        #expect(FileManager.default.fileExists(atPath: shot.path), "\(render.standardError)")
        // The gaussian bars' colour (#f28e2b) must cover a good area of the screenshot.
        let count = try CommandRunner.python(
            """
            import sys, numpy as np, zlib, struct
            data = open(sys.argv[1], "rb").read(); pos = 8; chunks = b""; w = h = 0
            while pos < len(data):
                n, kind = struct.unpack(">I4s", data[pos:pos + 8]); body = data[pos + 8:pos + 8 + n]; pos += 12 + n
                if kind == b"IHDR": w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
                if kind == b"IDAT": chunks += body
            bpp = 4 if ctype == 6 else 3; raw = zlib.decompress(chunks); stride = w * bpp
            rows = []; prev = bytearray(stride)
            for y in range(h):
                f = raw[y * (stride + 1)]; line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
                for x in range(stride):
                    a = line[x - bpp] if x >= bpp else 0; b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
                    if f == 1: line[x] = (line[x] + a) & 255
                    elif f == 2: line[x] = (line[x] + b) & 255
                    elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
                    elif f == 4:
                        p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                        line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
                rows.append(bytes(line)); prev = line
            img = np.frombuffer(b"".join(rows), np.uint8).reshape(h, w, bpp)[:, :, :3].astype(int)
            print(int((np.abs(img - [0xf2, 0x8e, 0x2b]).sum(axis=2) < 30).sum()))
            """, [shot.path])
        #expect(count.status == 0, "\(count.standardError)")
        #expect(
            (Int(count.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) > 200,
            "gaussian-coloured pixels: \(count.standardOutput)")
    }
}

private final class ManagedResults: Sendable {
    private let results = Mutex<[CommandResult?]>([])
    func append(_ result: CommandResult?) { results.withLock { $0.append(result) } }
    var all: [CommandResult?] { results.withLock { $0 } }
}

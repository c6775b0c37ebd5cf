import CTIFF
import Foundation

/// One open libtiff `TIFF *` whose errors and warnings are captured instead of printed.
///
/// libtiff 4.5's per-file handlers (`TIFFOpenOptionsSetErrorHandlerExtR`) record the first error
/// message in ``diagnostics``; the global handlers, which print to stderr, are removed once.
final class TIFFHandle {
    // MARK: - Properties

    let tiff: OpaquePointer
    /// The path used in error messages.
    let file: String
    private let diagnostics: UnsafeMutablePointer<CTIFF_Diagnostics>
    private let memorySource: UnsafeMutablePointer<CTIFF_MemorySource>?
    private var closed = false

    /// Removes libtiff's global stderr handlers; evaluated once before the first open.
    private static let globalHandlersSilenced: Void = CTIFF_silenceGlobalHandlers()

    /// The largest single allocation libtiff may make while decoding (guards absurd strips/tiles).
    static let maximumSingleAllocation = 1 << 30

    // MARK: - Opening

    private init(
        tiff: OpaquePointer, file: String, diagnostics: UnsafeMutablePointer<CTIFF_Diagnostics>,
        memorySource: UnsafeMutablePointer<CTIFF_MemorySource>?
    ) {
        self.tiff = tiff
        self.file = file
        self.diagnostics = diagnostics
        self.memorySource = memorySource
    }

    /// Opens `path` with libtiff `mode` ("r", "w", "w8").
    static func open(path: String, mode: String) throws(TIFFError) -> TIFFHandle {
        _ = globalHandlersSilenced
        let diagnostics = makeDiagnostics()
        let options = CTIFF_makeOpenOptions(diagnostics, tmsize_t(maximumSingleAllocation))
        defer { TIFFOpenOptionsFree(options) }
        guard let tiff = TIFFOpenExt(path, mode, options) else {
            let reason = message(diagnostics) ?? "libtiff could not open it"
            diagnostics.deallocate()
            throw .cannotOpen(file: path, reason: reason)
        }
        return TIFFHandle(tiff: tiff, file: path, diagnostics: diagnostics, memorySource: nil)
    }

    /// Opens `bytes` (which must stay valid until the handle is closed) for reading.
    static func open(bytes: UnsafeRawBufferPointer, name: String) throws(TIFFError) -> TIFFHandle {
        _ = globalHandlersSilenced
        let diagnostics = makeDiagnostics()
        let source = UnsafeMutablePointer<CTIFF_MemorySource>.allocate(capacity: 1)
        source.initialize(
            to: CTIFF_MemorySource(
                data: bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), size: UInt64(bytes.count), position: 0))
        let options = CTIFF_makeOpenOptions(diagnostics, tmsize_t(maximumSingleAllocation))
        defer { TIFFOpenOptionsFree(options) }
        guard bytes.baseAddress != nil, let tiff = CTIFF_openMemory(name, source, options) else {
            let reason = message(diagnostics) ?? "libtiff could not open it"
            diagnostics.deallocate()
            source.deallocate()
            throw .cannotOpen(file: name, reason: reason)
        }
        return TIFFHandle(tiff: tiff, file: name, diagnostics: diagnostics, memorySource: source)
    }

    private static func makeDiagnostics() -> UnsafeMutablePointer<CTIFF_Diagnostics> {
        let pointer = UnsafeMutablePointer<CTIFF_Diagnostics>.allocate(capacity: 1)
        pointer.initialize(to: CTIFF_Diagnostics())
        return pointer
    }

    private static func message(_ diagnostics: UnsafeMutablePointer<CTIFF_Diagnostics>) -> String? {
        guard diagnostics.pointee.errorCount > 0 else { return nil }
        return withUnsafeBytes(of: diagnostics.pointee.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    // MARK: - Diagnostics

    /// The first error libtiff reported, or `fallback`; clears the record.
    func takeError(_ fallback: String) -> String {
        let text = Self.message(diagnostics) ?? fallback
        diagnostics.pointee.errorCount = 0
        return text
    }

    /// Whether libtiff reported an error since the last ``takeError(_:)``.
    var hasError: Bool { diagnostics.pointee.errorCount > 0 }

    // MARK: - Fields

    func uint16(_ tag: Int32, defaulted: Bool = true) -> UInt16? {
        var value: UInt16 = 0
        let ok =
            defaulted ? CTIFF_TIFFGetFieldDefaulted_uint16(tiff, UInt32(tag), &value) : CTIFF_TIFFGetField_uint16(tiff, UInt32(tag), &value)
        return ok == 1 ? value : nil
    }

    func uint32(_ tag: Int32, defaulted: Bool = true) -> UInt32? {
        var value: UInt32 = 0
        let ok =
            defaulted ? CTIFF_TIFFGetFieldDefaulted_uint32(tiff, UInt32(tag), &value) : CTIFF_TIFFGetField_uint32(tiff, UInt32(tag), &value)
        return ok == 1 ? value : nil
    }

    func string(_ tag: Int32) -> String? {
        var pointer: UnsafePointer<CChar>?
        guard CTIFF_TIFFGetField_string(tiff, UInt32(tag), &pointer) == 1, let pointer else { return nil }
        return String(validatingCString: pointer)
            ?? String(decoding: UnsafeRawBufferPointer(start: pointer, count: strlen(pointer)), as: UTF8.self)
    }

    // MARK: - Closing

    /// Flushes (when writing) and closes the file.
    ///
    /// - Returns: `false` when the final flush failed.
    @discardableResult
    func close(flush: Bool = false) -> Bool {
        guard !closed else { return true }
        closed = true
        let ok = flush ? TIFFFlush(tiff) == 1 : true
        TIFFClose(tiff)
        return ok
    }

    deinit {
        close()
        diagnostics.deallocate()
        memorySource?.deallocate()
    }
}

// Typed wrappers for libtiff's variadic TIFFSetField/TIFFGetField, which Swift cannot call.
// Naming follows swift-nio's CNIOLinux: CTIFF_<C symbol>_<value kind>.
#ifndef CTIFF_SHIM_H
#define CTIFF_SHIM_H
#include <tiffio.h>
#include <stdint.h>

static inline int CTIFF_TIFFSetField_uint16(TIFF *tif, uint32_t tag, uint16_t value) { return TIFFSetField(tif, tag, value); }
static inline int CTIFF_TIFFSetField_uint32(TIFF *tif, uint32_t tag, uint32_t value) { return TIFFSetField(tif, tag, value); }
static inline int CTIFF_TIFFSetField_uint64(TIFF *tif, uint32_t tag, uint64_t value) { return TIFFSetField(tif, tag, value); }
static inline int CTIFF_TIFFSetField_double(TIFF *tif, uint32_t tag, double value) { return TIFFSetField(tif, tag, value); }
static inline int CTIFF_TIFFSetField_string(TIFF *tif, uint32_t tag, const char *value) { return TIFFSetField(tif, tag, value); }
static inline int CTIFF_TIFFSetField_uint16_pair(TIFF *tif, uint32_t tag, uint16_t a, uint16_t b) { return TIFFSetField(tif, tag, a, b); }
static inline int CTIFF_TIFFSetField_count_bytes(TIFF *tif, uint32_t tag, uint32_t count, const void *data) { return TIFFSetField(tif, tag, count, data); }
/* Announces `count` SubIFDs (sub-resolution levels) for the current directory: libtiff writes the next `count`
   directories as its SubIFDs and fills in their offsets (the zeros are placeholders it copies). */
static inline int CTIFF_TIFFSetField_subIFDCount(TIFF *tif, uint16_t count) {
    uint64_t offsets[32] = {0};
    if (count == 0 || count > 32) return 0;
    return TIFFSetField(tif, TIFFTAG_SUBIFD, count, offsets);
}
/* Sets a private ASCII tag (registering it with this handle first): provenance beside ImageJ metadata. */
static inline int CTIFF_setPrivateASCII(TIFF *tif, uint32_t tag, const char *value) {
    if (TIFFFindField(tif, tag, TIFF_ANY) == NULL) {
        TIFFFieldInfo info = { tag, -1, -1, TIFF_ASCII, FIELD_CUSTOM, 1, 0, (char *)"ImJoyRunProvenance" };
        if (TIFFMergeFieldInfo(tif, &info, 1) != 0) return 0;
    }
    return TIFFSetField(tif, tag, value);
}

static inline int CTIFF_TIFFGetField_uint16(TIFF *tif, uint32_t tag, uint16_t *value) { return TIFFGetField(tif, tag, value); }
static inline int CTIFF_TIFFGetField_uint32(TIFF *tif, uint32_t tag, uint32_t *value) { return TIFFGetField(tif, tag, value); }
static inline int CTIFF_TIFFGetField_uint64(TIFF *tif, uint32_t tag, uint64_t *value) { return TIFFGetField(tif, tag, value); }
static inline int CTIFF_TIFFGetField_double(TIFF *tif, uint32_t tag, double *value) { return TIFFGetField(tif, tag, value); }
static inline int CTIFF_TIFFGetField_float(TIFF *tif, uint32_t tag, float *value) { return TIFFGetField(tif, tag, value); }
static inline int CTIFF_TIFFGetField_string(TIFF *tif, uint32_t tag, const char **value) { return TIFFGetField(tif, tag, value); }
static inline int CTIFF_TIFFGetField_uint16_pair(TIFF *tif, uint32_t tag, uint16_t *a, uint16_t *b) { return TIFFGetField(tif, tag, a, b); }
static inline int CTIFF_TIFFGetField_count_bytes(TIFF *tif, uint32_t tag, uint32_t *count, const void **data) { return TIFFGetField(tif, tag, count, data); }
static inline int CTIFF_TIFFGetFieldDefaulted_uint16(TIFF *tif, uint32_t tag, uint16_t *value) { return TIFFGetFieldDefaulted(tif, tag, value); }
static inline int CTIFF_TIFFGetFieldDefaulted_uint32(TIFF *tif, uint32_t tag, uint32_t *value) { return TIFFGetFieldDefaulted(tif, tag, value); }

// MARK: - Diagnostics: libtiff's per-file error/warning handlers (TIFFOpenOptions, libtiff 4.5)

#include <stdio.h>
#include <stdarg.h>
#include <string.h>

/// Collects the first error message and counts errors and warnings of one open TIFF.
typedef struct {
    char message[512];
    int errorCount;
    int warningCount;
} CTIFF_Diagnostics;

static int CTIFF_errorHandler(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap) {
    (void)tif;
    CTIFF_Diagnostics *d = (CTIFF_Diagnostics *)user;
    if (d == NULL) return 1;
    if (d->errorCount++ == 0) {
        int n = 0;
        if (module != NULL) n = snprintf(d->message, sizeof d->message, "%s: ", module);
        if (n < 0 || n >= (int)sizeof d->message) n = 0;
        vsnprintf(d->message + n, sizeof d->message - (size_t)n, fmt, ap);
    }
    return 1; // handled: never reaches the global (stderr) handler
}

static int CTIFF_warningHandler(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap) {
    (void)tif; (void)module; (void)fmt; (void)ap;
    CTIFF_Diagnostics *d = (CTIFF_Diagnostics *)user;
    if (d != NULL) d->warningCount++;
    return 1;
}

/// Removes libtiff's global handlers, which print to stderr.
static inline void CTIFF_silenceGlobalHandlers(void) {
    TIFFSetErrorHandler(NULL);
    TIFFSetWarningHandler(NULL);
    TIFFSetErrorHandlerExt(NULL);
    TIFFSetWarningHandlerExt(NULL);
}

/// Open options routing this file's errors and warnings into `d`, with a cap on single allocations.
static inline TIFFOpenOptions *CTIFF_makeOpenOptions(CTIFF_Diagnostics *d, tmsize_t maxSingleAlloc) {
    TIFFOpenOptions *opts = TIFFOpenOptionsAlloc();
    if (opts == NULL) return NULL;
    TIFFOpenOptionsSetErrorHandlerExtR(opts, CTIFF_errorHandler, d);
    TIFFOpenOptionsSetWarningHandlerExtR(opts, CTIFF_warningHandler, d);
    if (maxSingleAlloc > 0) TIFFOpenOptionsSetMaxSingleMemAlloc(opts, maxSingleAlloc);
    return opts;
}

// MARK: - Memory-backed read-only TIFF (fuzzing, in-memory decoding)

typedef struct {
    const uint8_t *data;
    uint64_t size;
    uint64_t position;
} CTIFF_MemorySource;

static tmsize_t CTIFF_memRead(thandle_t h, void *buf, tmsize_t size) {
    CTIFF_MemorySource *m = (CTIFF_MemorySource *)h;
    if (size <= 0 || m->position >= m->size) return 0;
    uint64_t n = (uint64_t)size;
    if (n > m->size - m->position) n = m->size - m->position;
    memcpy(buf, m->data + m->position, (size_t)n);
    m->position += n;
    return (tmsize_t)n;
}
static tmsize_t CTIFF_memWrite(thandle_t h, void *buf, tmsize_t size) { (void)h; (void)buf; (void)size; return -1; }
static toff_t CTIFF_memSeek(thandle_t h, toff_t off, int whence) {
    CTIFF_MemorySource *m = (CTIFF_MemorySource *)h;
    uint64_t base = 0;
    if (whence == SEEK_CUR) base = m->position; else if (whence == SEEK_END) base = m->size;
    if (off > UINT64_MAX - base) return (toff_t)-1;
    m->position = base + off;
    return m->position;
}
static int CTIFF_memClose(thandle_t h) { (void)h; return 0; }
static toff_t CTIFF_memSize(thandle_t h) { return ((CTIFF_MemorySource *)h)->size; }
static int CTIFF_memMap(thandle_t h, void **base, toff_t *size) {
    CTIFF_MemorySource *m = (CTIFF_MemorySource *)h;
    *base = (void *)m->data; *size = m->size; return 1;
}
static void CTIFF_memUnmap(thandle_t h, void *base, toff_t size) { (void)h; (void)base; (void)size; }

/// Opens `source` (which must outlive the TIFF) for reading.
static inline TIFF *CTIFF_openMemory(const char *name, CTIFF_MemorySource *source, TIFFOpenOptions *opts) {
    return TIFFClientOpenExt(name, "rm", (thandle_t)source, CTIFF_memRead, CTIFF_memWrite, CTIFF_memSeek,
                             CTIFF_memClose, CTIFF_memSize, CTIFF_memMap, CTIFF_memUnmap, opts);
}

#endif

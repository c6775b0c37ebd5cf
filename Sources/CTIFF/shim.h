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

static inline int CTIFF_TIFFGetField_uint16(TIFF *tif, uint32_t tag, uint16_t *value) { return TIFFGetField(tif, tag, value); }
static inline int CTIFF_TIFFGetField_uint32(TIFF *tif, uint32_t tag, uint32_t *value) { return TIFFGetField(tif, tag, value); }
static inline int CTIFF_TIFFGetField_uint64(TIFF *tif, uint32_t tag, uint64_t *value) { return TIFFGetField(tif, tag, value); }
static inline int CTIFF_TIFFGetField_double(TIFF *tif, uint32_t tag, double *value) { return TIFFGetField(tif, tag, value); }
static inline int CTIFF_TIFFGetField_string(TIFF *tif, uint32_t tag, const char **value) { return TIFFGetField(tif, tag, value); }
static inline int CTIFF_TIFFGetField_uint16_pair(TIFF *tif, uint32_t tag, uint16_t *a, uint16_t *b) { return TIFFGetField(tif, tag, a, b); }
static inline int CTIFF_TIFFGetField_count_bytes(TIFF *tif, uint32_t tag, uint32_t *count, const void **data) { return TIFFGetField(tif, tag, count, data); }
static inline int CTIFF_TIFFGetFieldDefaulted_uint16(TIFF *tif, uint32_t tag, uint16_t *value) { return TIFFGetFieldDefaulted(tif, tag, value); }
static inline int CTIFF_TIFFGetFieldDefaulted_uint32(TIFF *tif, uint32_t tag, uint32_t *value) { return TIFFGetFieldDefaulted(tif, tag, value); }

#endif

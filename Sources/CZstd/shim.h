// libzstd: whole-buffer Zstandard compression for TIFF strips (COMPRESSION_ZSTD = 50000).
#ifndef CZSTD_SHIM_H
#define CZSTD_SHIM_H
#include <zstd.h>
#endif

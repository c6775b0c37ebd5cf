// libdeflate: whole-buffer DEFLATE / zlib compression, used by ImageIO to compress TIFF strips
// and HDF5 chunks in parallel (Debian's libtiff deflates with the same library).
#ifndef CDEFLATE_SHIM_H
#define CDEFLATE_SHIM_H
#include <libdeflate.h>
#endif

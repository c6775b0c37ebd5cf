// c-blosc 1.x (Debian's libblosc): the meta-compressor most OME-Zarr stores use (Zarr's `blosc` codec).
#ifndef CBLOSC_SHIM_H
#define CBLOSC_SHIM_H
#include <blosc.h>
#endif

// HDF5's H5T_NATIVE_*, H5P_* class ids and similar macros expand to `(H5open(), GLOBAL_g)`,
// which Swift neither imports nor may touch directly in Swift 6 mode. These static inline
// wrappers expose them. Naming follows swift-nio's CNIOLinux: CHDF5_<C macro>.
#ifndef CHDF5_SHIM_H
#define CHDF5_SHIM_H
#include <hdf5.h>

static inline hid_t CHDF5_H5P_DEFAULT(void) { return H5P_DEFAULT; }
static inline hid_t CHDF5_H5S_ALL(void) { return H5S_ALL; }
static inline hid_t CHDF5_H5E_DEFAULT(void) { return H5E_DEFAULT; }
static inline hid_t CHDF5_H5P_DATASET_CREATE(void) { return H5P_DATASET_CREATE; }
static inline hid_t CHDF5_H5P_DATASET_XFER(void) { return H5P_DATASET_XFER; }
static inline hid_t CHDF5_H5P_FILE_ACCESS(void) { return H5P_FILE_ACCESS; }
static inline hid_t CHDF5_H5P_FILE_CREATE(void) { return H5P_FILE_CREATE; }
static inline hid_t CHDF5_H5P_LINK_CREATE(void) { return H5P_LINK_CREATE; }
static inline hid_t CHDF5_H5P_GROUP_CREATE(void) { return H5P_GROUP_CREATE; }
static inline unsigned CHDF5_H5F_ACC_TRUNC(void) { return H5F_ACC_TRUNC; }
static inline unsigned CHDF5_H5F_ACC_EXCL(void) { return H5F_ACC_EXCL; }
static inline unsigned CHDF5_H5F_ACC_RDONLY(void) { return H5F_ACC_RDONLY; }
static inline unsigned CHDF5_H5F_ACC_RDWR(void) { return H5F_ACC_RDWR; }

static inline hid_t CHDF5_H5T_NATIVE_INT8(void) { return H5T_NATIVE_INT8; }
static inline hid_t CHDF5_H5T_NATIVE_UINT8(void) { return H5T_NATIVE_UINT8; }
static inline hid_t CHDF5_H5T_NATIVE_INT16(void) { return H5T_NATIVE_INT16; }
static inline hid_t CHDF5_H5T_NATIVE_UINT16(void) { return H5T_NATIVE_UINT16; }
static inline hid_t CHDF5_H5T_NATIVE_INT32(void) { return H5T_NATIVE_INT32; }
static inline hid_t CHDF5_H5T_NATIVE_UINT32(void) { return H5T_NATIVE_UINT32; }
static inline hid_t CHDF5_H5T_NATIVE_INT64(void) { return H5T_NATIVE_INT64; }
static inline hid_t CHDF5_H5T_NATIVE_UINT64(void) { return H5T_NATIVE_UINT64; }
static inline hid_t CHDF5_H5T_NATIVE_FLOAT(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t CHDF5_H5T_NATIVE_DOUBLE(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t CHDF5_H5T_NATIVE_HBOOL(void) { return H5T_NATIVE_HBOOL; }
static inline hid_t CHDF5_H5T_STD_I8LE(void) { return H5T_STD_I8LE; }
static inline hid_t CHDF5_H5T_STD_U8LE(void) { return H5T_STD_U8LE; }
static inline hid_t CHDF5_H5T_STD_I16LE(void) { return H5T_STD_I16LE; }
static inline hid_t CHDF5_H5T_STD_U16LE(void) { return H5T_STD_U16LE; }
static inline hid_t CHDF5_H5T_STD_I32LE(void) { return H5T_STD_I32LE; }
static inline hid_t CHDF5_H5T_STD_U32LE(void) { return H5T_STD_U32LE; }
static inline hid_t CHDF5_H5T_STD_I64LE(void) { return H5T_STD_I64LE; }
static inline hid_t CHDF5_H5T_STD_U64LE(void) { return H5T_STD_U64LE; }
static inline hid_t CHDF5_H5T_IEEE_F32LE(void) { return H5T_IEEE_F32LE; }
static inline hid_t CHDF5_H5T_IEEE_F64LE(void) { return H5T_IEEE_F64LE; }
static inline hid_t CHDF5_H5T_C_S1(void) { return H5T_C_S1; }
static inline size_t CHDF5_H5T_VARIABLE(void) { return H5T_VARIABLE; }
static inline hsize_t CHDF5_H5S_UNLIMITED(void) { return H5S_UNLIMITED; }

static inline hid_t CHDF5_H5T_NATIVE_LLONG(void) { return H5T_NATIVE_LLONG; }
static inline hid_t CHDF5_H5P_FILE_ACCESS_DEFAULT(void) { return H5P_FILE_ACCESS_DEFAULT; }

// MARK: - Error stack capture

#include <string.h>
#include <stdio.h>

typedef struct {
    char message[512];
    size_t length;
    int count;
} CHDF5_ErrorText;

static herr_t CHDF5_errorWalker(unsigned n, const H5E_error2_t *e, void *client) {
    CHDF5_ErrorText *t = (CHDF5_ErrorText *)client;
    (void)n;
    if (t->count++ >= 4 || e == NULL) return 0;
    const char *desc = (e->desc != NULL && e->desc[0] != 0) ? e->desc : (e->func_name ? e->func_name : "?");
    int w = snprintf(t->message + t->length, sizeof t->message - t->length, "%s%s", t->length ? "; " : "", desc);
    if (w > 0) {
        t->length += (size_t)w;
        if (t->length >= sizeof t->message) t->length = sizeof t->message - 1;
    }
    return 0;
}

/// Copies the innermost messages of the current thread's error stack into `out`, then clears it.
static inline void CHDF5_takeErrorStack(CHDF5_ErrorText *out) {
    out->message[0] = 0; out->length = 0; out->count = 0;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, CHDF5_errorWalker, out);
    H5Eclear2(H5E_DEFAULT);
}

/// Turns off automatic printing of the error stack (it goes to stderr otherwise).
static inline void CHDF5_silenceErrorStack(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

#endif

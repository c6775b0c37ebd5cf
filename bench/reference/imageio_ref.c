/* Plain single-threaded use of libtiff and libhdf5 on DIR/data.raw, the baseline for
 * bench/suites/imageio.sh. usage: imageio_ref DIR PAGES — prints `name<TAB>seconds` lines.
 * TIFF: one strip per page uncompressed; 64-row (256 KiB) strips with Adobe deflate level 6
 * through TIFFWriteEncodedStrip (libtiff's own codec, libdeflate on Debian).
 * HDF5: H5Dwrite of the whole array, contiguous or chunked (1, 2048, 2048) shuffle + gzip 4.
 * BENCH_IMAGEIO_ONLY (comma-separated names) runs only those figures. */
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <tiffio.h>

enum { W = 2048, H = 2048 };

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void write_tiff(const char *path, const uint16_t *data, int pages, int compression) {
    TIFF *tif = TIFFOpen(path, "w");
    if (!tif) { fprintf(stderr, "cannot open %s\n", path); exit(1); }
    uint32_t rows = compression == COMPRESSION_NONE ? H : 64;
    for (int p = 0; p < pages; p++) {
        TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, (uint32_t)W);
        TIFFSetField(tif, TIFFTAG_IMAGELENGTH, (uint32_t)H);
        TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 16);
        TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 1);
        TIFFSetField(tif, TIFFTAG_SAMPLEFORMAT, SAMPLEFORMAT_UINT);
        TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
        TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
        TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, rows);
        TIFFSetField(tif, TIFFTAG_COMPRESSION, compression);
        if (compression == COMPRESSION_ADOBE_DEFLATE) TIFFSetField(tif, TIFFTAG_ZIPQUALITY, 6);
        const uint16_t *page = data + (size_t)p * W * H;
        for (uint32_t s = 0; s < H / rows; s++) {
            if (TIFFWriteEncodedStrip(tif, s, (void *)(page + (size_t)s * rows * W), (tmsize_t)rows * W * 2) < 0) exit(1);
        }
        TIFFWriteDirectory(tif);
    }
    TIFFClose(tif);
}

static void read_tiff(const char *path, uint16_t *out, int pages) {
    TIFF *tif = TIFFOpen(path, "r");
    if (!tif) exit(1);
    int p = 0;
    do {
        uint16_t *page = out + (size_t)p * W * H;
        tstrip_t n = TIFFNumberOfStrips(tif);
        tmsize_t offset = 0;
        for (tstrip_t s = 0; s < n; s++) {
            tmsize_t got = TIFFReadEncodedStrip(tif, s, (uint8_t *)page + offset, -1);
            if (got < 0) exit(1);
            offset += got;
        }
        p++;
    } while (p < pages && TIFFReadDirectory(tif));
    TIFFClose(tif);
}

static void write_h5(const char *path, const uint16_t *data, int pages, int gzip) {
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hsize_t dims[3] = {(hsize_t)pages, H, W}, chunk[3] = {1, H, W};
    hid_t space = H5Screate_simple(3, dims, NULL);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (gzip) { H5Pset_chunk(dcpl, 3, chunk); H5Pset_shuffle(dcpl); H5Pset_deflate(dcpl, 4); }
    hid_t d = H5Dcreate2(f, "data", H5T_STD_U16LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (H5Dwrite(d, H5T_NATIVE_UINT16, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) exit(1);
    H5Dclose(d); H5Pclose(dcpl); H5Sclose(space); H5Fclose(f);
}

static void read_h5(const char *path, uint16_t *out) {
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t d = H5Dopen2(f, "data", H5P_DEFAULT);
    if (H5Dread(d, H5T_NATIVE_UINT16, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) < 0) exit(1);
    H5Dclose(d); H5Fclose(f);
}

/* Whether figure `name` is selected by BENCH_IMAGEIO_ONLY (all when unset). */
static int selected(const char *name) {
    const char *only = getenv("BENCH_IMAGEIO_ONLY");
    if (!only) return 1;
    size_t n = strlen(name);
    for (const char *p = only; (p = strstr(p, name)) != NULL; p += n) {
        if ((p == only || p[-1] == ',') && (p[n] == ',' || p[n] == '\0')) return 1;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: imageio_ref DIR PAGES\n"); return 2; }
    int pages = atoi(argv[2]);
    size_t bytes = (size_t)pages * W * H * 2;
    char path[4096];
    snprintf(path, sizeof path, "%s/data.raw", argv[1]);
    uint16_t *data = malloc(bytes), *back = malloc(bytes);
    FILE *in = fopen(path, "rb");
    if (!in || fread(data, 1, bytes, in) != bytes) { fprintf(stderr, "cannot read %s\n", path); return 1; }
    fclose(in);
    memset(back, 0, bytes);

    struct { const char *name, *file; int kind; } cases[] = {
        {"tiff_write_none", "c-none.tif", 0}, {"tiff_write_deflate6", "c-deflate.tif", 1},
        {"tiff_read_none", "c-none.tif", 2}, {"tiff_read_deflate6", "c-deflate.tif", 2},
        {"h5_write_contig", "c-contig.h5", 3}, {"h5_write_gzip4", "c-gzip.h5", 4},
        {"h5_read_contig", "c-contig.h5", 5}, {"h5_read_gzip4", "c-gzip.h5", 5},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (!selected(cases[i].name)) continue;
        snprintf(path, sizeof path, "%s/%s", argv[1], cases[i].file);
        int runs = (cases[i].kind == 1 || cases[i].kind == 4 || strstr(cases[i].name, "deflate") || strstr(cases[i].name, "gzip")) ? 1 : 2;
        double best = 1e30;
        for (int r = 0; r < runs; r++) {
            double t0 = now();
            switch (cases[i].kind) {
            case 0: write_tiff(path, data, pages, COMPRESSION_NONE); break;
            case 1: write_tiff(path, data, pages, COMPRESSION_ADOBE_DEFLATE); break;
            case 2: read_tiff(path, back, pages); break;
            case 3: write_h5(path, data, pages, 0); break;
            case 4: write_h5(path, data, pages, 1); break;
            case 5: read_h5(path, back); break;
            }
            double t = now() - t0;
            if (t < best) best = t;
            if ((cases[i].kind == 2 || cases[i].kind == 5) && memcmp(data, back, bytes) != 0) { fprintf(stderr, "%s: read-back differs\n", cases[i].name); return 1; }
        }
        printf("%s\t%f\n", cases[i].name, best);
        fflush(stdout);
    }
    free(data); free(back);
    return 0;
}

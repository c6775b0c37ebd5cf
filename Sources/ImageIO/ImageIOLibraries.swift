import CHDF5
import CTIFF

/// ImageIO: n-dimensional arrays and their files (TIFF through libtiff, HDF5 through libhdf5).
public enum ImageIOLibraries {
    /// The libtiff version string, proving the library links.
    public static var libtiffVersion: String { String(cString: TIFFGetVersion()) }

    /// The HDF5 library version as (major, minor, release).
    public static var hdf5Version: (UInt32, UInt32, UInt32) {
        var major: UInt32 = 0
        var minor: UInt32 = 0
        var release: UInt32 = 0
        H5get_libversion(&major, &minor, &release)
        return (major, minor, release)
    }
}

import Testing

@testable import ImageIO

@Suite struct LibraryLinkTests {
    @Test func librariesLink() {
        #expect(ImageIOLibraries.libtiffVersion.contains("LIBTIFF"))
        #expect(ImageIOLibraries.hdf5Version.0 == 1)
    }
}

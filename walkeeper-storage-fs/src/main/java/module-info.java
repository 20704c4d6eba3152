/**
 * The local file-system storage provider ({@code file:///path}). The engine finds it as an
 * {@link io.walkeeper.spi.StorageProvider}; it exports no package.
 */
module io.walkeeper.storage.fs {
    requires io.walkeeper.api;
    requires org.slf4j;

    provides io.walkeeper.spi.StorageProvider with io.walkeeper.storage.fs.FsStorageProvider;
}

/**
 * walkeeper's public interfaces, value types and exceptions ({@link io.walkeeper.api}) and the
 * service-provider interfaces for storage back ends, compression codecs and encryption
 * ({@link io.walkeeper.spi}). JDK only.
 */
module io.walkeeper.api {
    exports io.walkeeper.api;
    exports io.walkeeper.spi;
}

/**
 * walkeeper's engine. Embedders use {@link io.walkeeper.core.WalKeeper} and
 * {@link io.walkeeper.core.PgConnection} of {@code io.walkeeper.core}, with the types of
 * {@code io.walkeeper.api}; every other package is the engine's own and is not exported, except to
 * walkeeper's command-line tool ({@code io.walkeeper.cli}). Storage back ends, compression codecs
 * and encryption providers are found with {@link java.util.ServiceLoader}.
 */
@SuppressWarnings({"module", "requires-automatic"})
module io.walkeeper.core {
    requires transitive io.walkeeper.api;
    requires java.management;
    requires java.sql;
    requires com.fasterxml.jackson.databind;
    requires org.apache.commons.compress;
    requires org.postgresql.jdbc;
    requires org.slf4j;

    exports io.walkeeper.core;

    // the command-line tool in walkeeper-examples uses some engine classes; nothing else may
    exports io.walkeeper.core.drill to io.walkeeper.cli;
    exports io.walkeeper.core.io to io.walkeeper.cli;
    exports io.walkeeper.core.pg to io.walkeeper.cli;
    exports io.walkeeper.core.repo to io.walkeeper.cli;
    exports io.walkeeper.core.restore to io.walkeeper.cli;
    exports io.walkeeper.core.storage to io.walkeeper.cli;
    exports io.walkeeper.core.wal to io.walkeeper.cli;

    // Jackson binds the repository's JSON documents to these records
    opens io.walkeeper.core.repo to com.fasterxml.jackson.databind;
    // the JDBC driver instantiates the Unix-domain socket factory by name
    opens io.walkeeper.core.pg to org.postgresql.jdbc;

    uses io.walkeeper.spi.StorageProvider;
    uses io.walkeeper.spi.CompressionCodec;
    uses io.walkeeper.spi.EncryptionProvider;
}

/**
 * The Amazon S3 storage provider ({@code s3://bucket/prefix}, and S3-compatible services). The
 * engine finds it as an {@link io.walkeeper.spi.StorageProvider}; it exports no package.
 */
@SuppressWarnings({"module", "requires-automatic"})
module io.walkeeper.storage.s3 {
    requires io.walkeeper.api;
    requires org.slf4j;
    requires software.amazon.awssdk.auth;
    requires software.amazon.awssdk.awscore;
    requires software.amazon.awssdk.core;
    requires software.amazon.awssdk.http;
    requires software.amazon.awssdk.http.apache5;
    requires software.amazon.awssdk.regions;
    requires software.amazon.awssdk.services.s3;

    provides io.walkeeper.spi.StorageProvider with io.walkeeper.storage.s3.S3StorageProvider;
}

package io.walkeeper.storage.s3;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** S3Mock in this JVM, on a free loopback port over plain HTTP, and helpers to use it. */
final class S3MockSupport {
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    private S3MockSupport() {
    }

    /** A fresh S3Mock extension; register it with {@code @RegisterExtension} on a static field. */
    static S3MockExtension extension() {
        return S3MockExtension.builder().withHttpPort(0).withSecureConnection(false).silent().build();
    }

    /** Settings that point a store at {@code mock} with dummy credentials (S3Mock takes any). */
    static Map<String, String> settings(S3MockExtension mock, String... extra) {
        Map<String, String> settings = new HashMap<>(Map.of(
                S3Settings.ENDPOINT, mock.getServiceEndpoint(),
                S3Settings.PATH_STYLE, "true",
                S3Settings.ACCESS_KEY_ID, "test-key-id",
                S3Settings.SECRET_ACCESS_KEY, "test-secret"));
        for (int i = 0; i < extra.length; i += 2) {
            settings.put(extra[i], extra[i + 1]);
        }
        return settings;
    }

    /** Creates a bucket with a new name and returns the name. */
    static String newBucket(S3MockExtension mock, String stem) {
        String bucket = stem + "-" + BUCKETS.incrementAndGet();
        try (S3Client client = rawClient(mock)) {
            client.createBucket(b -> b.bucket(bucket));
        }
        return bucket;
    }

    /** An SDK client of its own, to look at what the store did. */
    static S3Client rawClient(S3MockExtension mock) {
        return S3Client.builder()
                .httpClientBuilder(Apache5HttpClient.builder())
                .endpointOverride(URI.create(mock.getServiceEndpoint()))
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("k", "s")))
                .build();
    }
}

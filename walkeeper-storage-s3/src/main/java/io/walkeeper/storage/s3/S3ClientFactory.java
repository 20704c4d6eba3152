package io.walkeeper.storage.s3;

import io.walkeeper.api.ConfigurationException;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Builds the SDK client of a store: the blocking Apache HTTP client (no Netty), SDK retries
 * switched off because walkeeper retries in one place, above every provider, and explicit
 * timeouts so that a dead connection surfaces as a retryable error instead of a hang.
 */
final class S3ClientFactory {

    /** Time to open a TCP connection (and TLS handshake). */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Longest silence on an open connection, while sending or receiving. */
    static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(60);
    /** Longest wait for a free connection of the pool. */
    static final Duration ACQUIRE_TIMEOUT = Duration.ofSeconds(60);
    /** Idle connections are closed after this, before the server drops them. */
    static final Duration MAX_IDLE = Duration.ofSeconds(30);

    private S3ClientFactory() {
    }

    /**
     * Builds the client.
     *
     * @throws ConfigurationException if no region is given and the SDK's region chain finds none
     */
    static S3Client build(URI location, S3Properties properties) {
        S3ClientBuilder builder = S3Client.builder()
                .httpClientBuilder(Apache5HttpClient.builder()
                        .connectionTimeout(CONNECT_TIMEOUT)
                        .socketTimeout(SOCKET_TIMEOUT)
                        .connectionAcquisitionTimeout(ACQUIRE_TIMEOUT)
                        .connectionMaxIdleTime(MAX_IDLE)
                        .maxConnections(properties.maxConnections())
                        .tcpKeepAlive(true))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .forcePathStyle(properties.pathStyle());
        if (properties.hasStaticCredentials()) {
            builder.credentialsProvider(staticCredentials(properties));
        } // else the SDK's default chain, which the client owns and closes
        if (properties.endpoint() != null) {
            builder.endpointOverride(properties.endpoint());
        }
        if (properties.region() != null) {
            builder.region(Region.of(properties.region()));
        }
        try {
            return builder.build();
        } catch (SdkClientException e) {
            throw new ConfigurationException("Cannot open S3 storage at " + location + ": " + e.getMessage()
                    + " (HINT: set " + S3Settings.REGION + ", or AWS_REGION for the command-line tool)", e);
        }
    }

    private static AwsCredentialsProvider staticCredentials(S3Properties properties) {
        if (properties.sessionToken() != null) {
            return StaticCredentialsProvider.create(AwsSessionCredentials.create(properties.accessKeyId(),
                    properties.secretAccessKey(), properties.sessionToken()));
        }
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(properties.accessKeyId(),
                properties.secretAccessKey()));
    }
}

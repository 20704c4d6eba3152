package io.walkeeper.storage.s3;

import static io.walkeeper.storage.s3.S3Settings.ACCESS_KEY_ID;
import static io.walkeeper.storage.s3.S3Settings.CONDITIONAL_WRITES;
import static io.walkeeper.storage.s3.S3Settings.ENDPOINT;
import static io.walkeeper.storage.s3.S3Settings.MAX_CONNECTIONS;
import static io.walkeeper.storage.s3.S3Settings.PART_SIZE;
import static io.walkeeper.storage.s3.S3Settings.PATH_STYLE;
import static io.walkeeper.storage.s3.S3Settings.REGION;
import static io.walkeeper.storage.s3.S3Settings.SECRET_ACCESS_KEY;
import static io.walkeeper.storage.s3.S3Settings.SESSION_TOKEN;
import static io.walkeeper.storage.s3.S3Settings.SSE;
import static io.walkeeper.storage.s3.S3Settings.SSE_KMS_KEY_ID;
import static io.walkeeper.storage.s3.S3Settings.STORAGE_CLASS;
import static io.walkeeper.storage.s3.S3Settings.UPLOAD_CONCURRENCY;

import io.walkeeper.api.ConfigurationException;
import io.walkeeper.spi.SettingsReader;
import java.net.URI;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.s3.model.StorageClass;

/**
 * The {@link S3Settings} of one store, parsed and checked once. {@link #toString()} leaves the
 * credentials out.
 *
 * @param endpoint the endpoint override, or {@code null} for AWS
 * @param region the region, or {@code null} for the SDK's region chain
 * @param pathStyle whether buckets are addressed in the path
 * @param accessKeyId static credentials, or {@code null} for the SDK's credential chain
 * @param secretAccessKey the secret of {@code accessKeyId}, or {@code null}
 * @param sessionToken the session token of temporary credentials, or {@code null}
 * @param sse {@code AES256}, {@code aws:kms} or {@code null} for no encryption header
 * @param sseKmsKeyId the KMS key for {@code aws:kms}, or {@code null}
 * @param storageClass the storage class of new objects, or {@code null}
 * @param partSize the multipart part size in bytes
 * @param uploadConcurrency parts of one object uploading at once
 * @param conditionalWrites whether create uses {@code If-None-Match: *}
 * @param maxConnections the HTTP connection pool size
 */
record S3Properties(URI endpoint, String region, boolean pathStyle, String accessKeyId, String secretAccessKey,
        String sessionToken, String sse, String sseKmsKeyId, String storageClass, int partSize,
        int uploadConcurrency, boolean conditionalWrites, int maxConnections) {

    private static final Pattern REGION_NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    /**
     * Parses {@code settings}: every key must be a known {@code s3.} key (storage-wide
     * {@code storage.*} keys are taken off before a provider sees the map).
     *
     * @param location the store's URI, for messages
     * @throws ConfigurationException naming the unknown key or the key whose value is malformed
     */
    static S3Properties parse(URI location, Map<String, String> settings) {
        SettingsReader p = SettingsReader.of("Cannot open S3 storage at " + io.walkeeper.spi.Redaction.uri(location),
                S3Settings.DECLARED, settings, "storage.");
        URI endpoint = p.url(ENDPOINT).orElse(null);
        String region = p.text(REGION).orElse(null);
        if (region != null && !REGION_NAME.matcher(region).matches()) {
            throw p.invalid(REGION, "a region name such as eu-west-1");
        }
        if (region == null && endpoint != null) {
            region = S3Settings.REGION_DEFAULT_WITH_ENDPOINT;
        }
        boolean hostless = endpoint != null && isAddressOrLocalhost(endpoint.getHost());
        boolean pathStyle = p.isSet(PATH_STYLE) ? p.bool(PATH_STYLE)
                : hostless || S3Settings.PATH_STYLE_DEFAULT;

        String accessKeyId = p.text(ACCESS_KEY_ID).orElse(null);
        String secretAccessKey = p.text(SECRET_ACCESS_KEY).orElse(null);
        String sessionToken = p.text(SESSION_TOKEN).orElse(null);
        if ((accessKeyId == null) != (secretAccessKey == null)) {
            throw p.error(ACCESS_KEY_ID + " and " + SECRET_ACCESS_KEY + " must be given together (or neither, to use the "
                    + "AWS default credential chain)");
        }
        if (sessionToken != null && accessKeyId == null) {
            throw p.error(SESSION_TOKEN + " needs " + ACCESS_KEY_ID + " and " + SECRET_ACCESS_KEY);
        }

        String sse = p.text(SSE).filter(v -> !v.equals(S3Settings.SSE_NONE)).orElse(null);
        String sseKmsKeyId = p.text(SSE_KMS_KEY_ID).orElse(null);
        if (sseKmsKeyId != null && !S3Settings.SSE_KMS.equals(sse)) {
            throw p.error(SSE_KMS_KEY_ID + " is only valid with " + SSE + "=" + S3Settings.SSE_KMS);
        }
        String storageClass = p.text(STORAGE_CLASS).orElse(null);
        if (storageClass != null && StorageClass.fromValue(storageClass) == StorageClass.UNKNOWN_TO_SDK_VERSION) {
            throw p.invalid(STORAGE_CLASS, "one of " + new TreeSet<>(StorageClass.knownValues()
                    .stream().map(StorageClass::toString).toList()));
        }
        return new S3Properties(endpoint, region, pathStyle, accessKeyId, secretAccessKey, sessionToken, sse,
                sseKmsKeyId, storageClass, p.integer(PART_SIZE), p.integer(UPLOAD_CONCURRENCY),
                p.bool(CONDITIONAL_WRITES), p.integer(MAX_CONNECTIONS));
    }

    /** Tells whether static credentials were given. */
    boolean hasStaticCredentials() {
        return accessKeyId != null;
    }

    /** Describes the endpoint for messages: the override, or AWS and the region. */
    String describeEndpoint() {
        if (endpoint != null) {
            return "endpoint " + endpoint;
        }
        return "the AWS endpoint of region " + (region == null ? "(from the AWS region chain)" : region);
    }

    @Override
    public String toString() {
        return "S3Properties[endpoint=" + endpoint + ", region=" + region + ", pathStyle=" + pathStyle
                + ", credentials=" + (hasStaticCredentials() ? "static" : "default chain") + ", sse=" + sse
                + ", sseKmsKeyId=" + sseKmsKeyId + ", storageClass=" + storageClass + ", partSize=" + partSize
                + ", uploadConcurrency=" + uploadConcurrency + ", conditionalWrites=" + conditionalWrites
                + ", maxConnections=" + maxConnections + "]";
    }

    private static boolean isAddressOrLocalhost(String host) {
        if (host == null) {
            return false;
        }
        return host.equalsIgnoreCase("localhost") || host.startsWith("[") || host.matches("[0-9.]+");
    }
}

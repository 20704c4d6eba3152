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
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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

    private static final Set<String> KEYS = Set.of(ENDPOINT, REGION, PATH_STYLE, ACCESS_KEY_ID, SECRET_ACCESS_KEY,
            SESSION_TOKEN, SSE, SSE_KMS_KEY_ID, STORAGE_CLASS, PART_SIZE, UPLOAD_CONCURRENCY, CONDITIONAL_WRITES,
            MAX_CONNECTIONS);
    private static final Pattern REGION_NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    /**
     * Parses {@code settings}: every key must be a known {@code s3.} key (storage-wide
     * {@code storage.*} keys are taken off before a provider sees the map).
     *
     * @param location the store's URI, for messages
     * @throws ConfigurationException naming the unknown key or the key whose value is malformed
     */
    static S3Properties parse(URI location, Map<String, String> settings) {
        Set<String> unknown = new TreeSet<>();
        for (String key : settings.keySet()) {
            if (!KEYS.contains(key) && !key.startsWith("storage.")) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new ConfigurationException("Cannot open S3 storage at " + location + ": unknown setting(s) " + unknown
                    + " (known: " + new TreeSet<>(KEYS) + ")");
        }
        Parser p = new Parser(location, settings);
        URI endpoint = p.endpoint();
        String region = p.text(REGION);
        if (region != null && !REGION_NAME.matcher(region).matches()) {
            throw p.invalid(REGION, region, "a region name such as eu-west-1");
        }
        if (region == null && endpoint != null) {
            region = S3Settings.REGION_DEFAULT_WITH_ENDPOINT;
        }
        boolean hostless = endpoint != null && isAddressOrLocalhost(endpoint.getHost());
        boolean pathStyle = p.bool(PATH_STYLE, hostless || S3Settings.PATH_STYLE_DEFAULT);

        String accessKeyId = p.text(ACCESS_KEY_ID);
        String secretAccessKey = p.text(SECRET_ACCESS_KEY);
        String sessionToken = p.text(SESSION_TOKEN);
        if ((accessKeyId == null) != (secretAccessKey == null)) {
            throw new ConfigurationException("Cannot open S3 storage at " + location + ": " + ACCESS_KEY_ID + " and "
                    + SECRET_ACCESS_KEY + " must be given together (or neither, to use the AWS default credential "
                    + "chain)");
        }
        if (sessionToken != null && accessKeyId == null) {
            throw new ConfigurationException("Cannot open S3 storage at " + location + ": " + SESSION_TOKEN
                    + " needs " + ACCESS_KEY_ID + " and " + SECRET_ACCESS_KEY);
        }

        String sse = p.sse();
        String sseKmsKeyId = p.text(SSE_KMS_KEY_ID);
        if (sseKmsKeyId != null && !S3Settings.SSE_KMS.equals(sse)) {
            throw new ConfigurationException("Cannot open S3 storage at " + location + ": " + SSE_KMS_KEY_ID
                    + " is only valid with " + SSE + "=" + S3Settings.SSE_KMS);
        }
        String storageClass = p.text(STORAGE_CLASS);
        if (storageClass != null && StorageClass.fromValue(storageClass) == StorageClass.UNKNOWN_TO_SDK_VERSION) {
            throw p.invalid(STORAGE_CLASS, storageClass, "one of " + new TreeSet<>(StorageClass.knownValues()
                    .stream().map(StorageClass::toString).toList()));
        }
        int partSize = p.integer(PART_SIZE, S3Settings.PART_SIZE_DEFAULT, S3Settings.PART_SIZE_MIN,
                S3Settings.PART_SIZE_MAX);
        int concurrency = p.integer(UPLOAD_CONCURRENCY, S3Settings.UPLOAD_CONCURRENCY_DEFAULT, 1,
                S3Settings.UPLOAD_CONCURRENCY_MAX);
        boolean conditionalWrites = p.bool(CONDITIONAL_WRITES, S3Settings.CONDITIONAL_WRITES_DEFAULT);
        int maxConnections = p.integer(MAX_CONNECTIONS, S3Settings.MAX_CONNECTIONS_DEFAULT, 1,
                S3Settings.MAX_CONNECTIONS_MAX);
        return new S3Properties(endpoint, region, pathStyle, accessKeyId, secretAccessKey, sessionToken, sse,
                sseKmsKeyId, storageClass, partSize, concurrency, conditionalWrites, maxConnections);
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

    /** Reads single values, naming the key (never a secret's value) when one is malformed. */
    private record Parser(URI location, Map<String, String> settings) {

        String text(String key) {
            String v = settings.get(key);
            return v == null || v.isBlank() ? null : v.trim();
        }

        boolean bool(String key, boolean fallback) {
            String v = text(key);
            if (v == null) {
                return fallback;
            }
            return switch (v.toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw invalid(key, v, "true or false");
            };
        }

        int integer(String key, int fallback, int min, int max) {
            String v = text(key);
            if (v == null) {
                return fallback;
            }
            long n;
            try {
                n = Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw invalid(key, v, "a whole number between " + min + " and " + max);
            }
            if (n < min || n > max) {
                throw invalid(key, v, "a whole number between " + min + " and " + max);
            }
            return (int) n;
        }

        URI endpoint() {
            String v = text(ENDPOINT);
            if (v == null) {
                return null;
            }
            URI uri;
            try {
                uri = new URI(v);
            } catch (URISyntaxException e) {
                throw invalid(ENDPOINT, v, "an http or https URL such as http://127.0.0.1:9000");
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw invalid(ENDPOINT, v, "an http or https URL such as http://127.0.0.1:9000");
            }
            if (uri.getRawUserInfo() != null) {
                throw new ConfigurationException("Cannot open S3 storage at " + location + ": " + ENDPOINT
                        + " must not hold user information; give credentials as " + ACCESS_KEY_ID + " and "
                        + SECRET_ACCESS_KEY);
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw invalid(ENDPOINT, v, "a URL without query or fragment");
            }
            return uri;
        }

        String sse() {
            String v = text(SSE);
            if (v == null || v.equalsIgnoreCase(S3Settings.SSE_NONE)) {
                return null;
            }
            if (v.equalsIgnoreCase(S3Settings.SSE_AES256)) {
                return S3Settings.SSE_AES256;
            }
            if (v.equalsIgnoreCase(S3Settings.SSE_KMS)) {
                return S3Settings.SSE_KMS;
            }
            throw invalid(SSE, v, S3Settings.SSE_NONE + ", " + S3Settings.SSE_AES256 + " or " + S3Settings.SSE_KMS);
        }

        ConfigurationException invalid(String key, String value, String expected) {
            return new ConfigurationException("Cannot open S3 storage at " + location + ": setting " + key + " is '"
                    + io.walkeeper.spi.Redaction.text(value) + "', expected " + expected);
        }
    }
}

package io.walkeeper.storage.s3;

import io.walkeeper.spi.Setting;
import java.util.List;

/**
 * The settings of the {@code s3:} storage provider: keys of the map given to
 * {@link S3StorageProvider#open}, each with its default. Every key starts with {@value #PREFIX};
 * unknown keys of that namespace and malformed values are rejected with a
 * {@link io.walkeeper.api.ConfigurationException} naming the key, and so are keys of other
 * namespaces (the engine's {@code storage.} keys aside). A blank value counts as not set.
 *
 * <p>The provider declares these settings ({@link S3StorageProvider#settings()}) with the
 * environment variables a command-line tool maps onto them ({@code AWS_ENDPOINT},
 * {@code AWS_REGION}, {@code AWS_S3_FORCE_PATH_STYLE}, {@code AWS_ACCESS_KEY_ID},
 * {@code AWS_SECRET_ACCESS_KEY}, {@code AWS_SESSION_TOKEN} and WAL-G's {@code WALG_S3_SSE},
 * {@code WALG_S3_SSE_KMS_ID}, {@code WALG_S3_STORAGE_CLASS}); the library itself reads no
 * environment variables, except through the AWS SDK's default region and credential chains when
 * no region or keys are given.
 */
public final class S3Settings {

    /** The namespace of these settings, {@value}. */
    public static final String PREFIX = "s3.";

    /**
     * {@value}: the endpoint URL of an S3-compatible service, such as
     * {@code http://127.0.0.1:9000} for MinIO. Not set: the AWS endpoint of the region. Must be an
     * {@code http} or {@code https} URL without user information.
     */
    public static final String ENDPOINT = "s3.endpoint";

    /**
     * {@value}: the region, such as {@code eu-west-1}. Not set: {@value #REGION_DEFAULT_WITH_ENDPOINT}
     * when {@link #ENDPOINT} is given, otherwise the AWS SDK's region chain ({@code AWS_REGION},
     * the profile file, instance metadata).
     */
    public static final String REGION = "s3.region";
    /** The region used with an {@link #ENDPOINT} when none is given, {@value}. */
    public static final String REGION_DEFAULT_WITH_ENDPOINT = "us-east-1";

    /**
     * {@value}: {@code true} to address buckets in the path ({@code https://host/bucket/key}),
     * {@code false} for virtual-hosted addressing ({@code https://bucket.host/key}). Not set:
     * {@code true} when {@link #ENDPOINT} names an IP address or {@code localhost} (where
     * virtual-hosted addressing cannot work), otherwise {@value #PATH_STYLE_DEFAULT}.
     */
    public static final String PATH_STYLE = "s3.path-style";
    /** The default of {@link #PATH_STYLE} for host names, {@value}. */
    public static final boolean PATH_STYLE_DEFAULT = false;

    /**
     * {@value}: the access key id of static credentials; requires {@link #SECRET_ACCESS_KEY}. Not
     * set: the AWS SDK's default credential chain (environment, profile, web identity, container
     * and instance roles). Never logged or put in messages.
     */
    public static final String ACCESS_KEY_ID = "s3.access-key-id";
    /** {@value}: the secret access key of static credentials; requires {@link #ACCESS_KEY_ID}. */
    public static final String SECRET_ACCESS_KEY = "s3.secret-access-key";
    /** {@value}: the session token of temporary static credentials; optional, requires both keys. */
    public static final String SESSION_TOKEN = "s3.session-token";

    /**
     * {@value}: server-side encryption of new objects: {@value #SSE_NONE} (the bucket's default
     * applies), {@value #SSE_AES256} (S3-managed keys) or {@value #SSE_KMS} (KMS keys, see
     * {@link #SSE_KMS_KEY_ID}). Default {@value #SSE_NONE}.
     */
    public static final String SSE = "s3.sse";
    /** {@link #SSE} value: no encryption header; the bucket's default encryption applies. */
    public static final String SSE_NONE = "none";
    /** {@link #SSE} value: S3-managed keys (SSE-S3). */
    public static final String SSE_AES256 = "AES256";
    /** {@link #SSE} value: KMS-managed keys (SSE-KMS). */
    public static final String SSE_KMS = "aws:kms";

    /**
     * {@value}: the KMS key id or ARN for {@link #SSE} {@value #SSE_KMS}; only valid with it. Not
     * set: the account's default {@code aws/s3} key.
     */
    public static final String SSE_KMS_KEY_ID = "s3.sse-kms-key-id";

    /**
     * {@value}: the storage class of new objects, such as {@code STANDARD_IA} or
     * {@code INTELLIGENT_TIERING}. Not set: the bucket's default ({@code STANDARD}).
     */
    public static final String STORAGE_CLASS = "s3.storage-class";

    /**
     * {@value}: the size in bytes of the parts an object is uploaded in. An object that fits in one
     * part is sent with a single request; a larger one as a multipart upload of at most 10,000
     * parts, so this also caps the object size (10,000 × 16 MiB = 160 GiB by default). Between
     * {@value #PART_SIZE_MIN} (5 MiB, the S3 minimum) and {@value #PART_SIZE_MAX} (1 GiB); default
     * {@value #PART_SIZE_DEFAULT} (16 MiB).
     */
    public static final String PART_SIZE = "s3.part-size";
    /** The default of {@link #PART_SIZE}, 16 MiB. */
    public static final int PART_SIZE_DEFAULT = 16 << 20;
    /** The smallest {@link #PART_SIZE}, 5 MiB. */
    public static final int PART_SIZE_MIN = 5 << 20;
    /** The largest {@link #PART_SIZE}, 1 GiB. */
    public static final int PART_SIZE_MAX = 1 << 30;

    /**
     * {@value}: how many parts of one object upload at once, 1 to {@value #UPLOAD_CONCURRENCY_MAX};
     * default {@value #UPLOAD_CONCURRENCY_DEFAULT}. An upload holds at most this many parts plus
     * one in memory.
     */
    public static final String UPLOAD_CONCURRENCY = "s3.upload-concurrency";
    /** The default of {@link #UPLOAD_CONCURRENCY}, {@value}. */
    public static final int UPLOAD_CONCURRENCY_DEFAULT = 4;
    /** The largest {@link #UPLOAD_CONCURRENCY}, {@value}. */
    public static final int UPLOAD_CONCURRENCY_MAX = 64;

    /**
     * {@value}: {@code true} (the default) to make create-if-absent atomic with
     * {@code If-None-Match: *} on the request that publishes the object; {@code false} for services
     * that do not support conditional writes, where a create checks that the key is absent and
     * then writes it, which is not atomic: two writers creating the same key at the same instant
     * can both succeed, the later replacing the earlier.
     */
    public static final String CONDITIONAL_WRITES = "s3.conditional-writes";
    /** The default of {@link #CONDITIONAL_WRITES}, {@value}. */
    public static final boolean CONDITIONAL_WRITES_DEFAULT = true;

    /**
     * {@value}: the most HTTP connections the store keeps open, 1 to {@value #MAX_CONNECTIONS_MAX};
     * default {@value #MAX_CONNECTIONS_DEFAULT}.
     */
    public static final String MAX_CONNECTIONS = "s3.max-connections";
    /** The default of {@link #MAX_CONNECTIONS}, {@value}. */
    public static final int MAX_CONNECTIONS_DEFAULT = 50;
    /** The largest {@link #MAX_CONNECTIONS}, {@value}. */
    public static final int MAX_CONNECTIONS_MAX = 1000;

    /** Every setting of this provider, with its environment variables (WAL-G's and the AWS SDK's names). */
    static final List<Setting> DECLARED = List.of(
            Setting.url(ENDPOINT).environment("AWS_ENDPOINT")
                    .description("Endpoint URL of an S3-compatible service; not set: the AWS endpoint of the region").build(),
            Setting.text(REGION).environment("AWS_REGION")
                    .description("Region; not set: us-east-1 with an endpoint, else the AWS SDK's region chain").build(),
            Setting.bool(PATH_STYLE).environment("AWS_S3_FORCE_PATH_STYLE")
                    .description("Address buckets in the path; default true for an IP or localhost endpoint, else false").build(),
            Setting.text(ACCESS_KEY_ID).secret().environment("AWS_ACCESS_KEY_ID")
                    .description("Access key id of static credentials; not set: the AWS SDK's credential chain").build(),
            Setting.text(SECRET_ACCESS_KEY).secret().environment("AWS_SECRET_ACCESS_KEY")
                    .description("Secret access key of static credentials").build(),
            Setting.text(SESSION_TOKEN).secret().environment("AWS_SESSION_TOKEN")
                    .description("Session token of temporary static credentials").build(),
            Setting.choice(SSE, SSE_NONE, SSE_AES256, SSE_KMS).defaultValue(SSE_NONE).environment("WALG_S3_SSE")
                    .description("Server-side encryption of new objects").build(),
            Setting.text(SSE_KMS_KEY_ID).environment("WALG_S3_SSE_KMS_ID")
                    .description("KMS key id or ARN for aws:kms server-side encryption").build(),
            Setting.text(STORAGE_CLASS).environment("WALG_S3_STORAGE_CLASS")
                    .description("Storage class of new objects; not set: the bucket's default").build(),
            Setting.integer(PART_SIZE, PART_SIZE_MIN, PART_SIZE_MAX).defaultValue(PART_SIZE_DEFAULT)
                    .description("Bytes per part of a multipart upload (also caps an object at 10,000 parts)").build(),
            Setting.integer(UPLOAD_CONCURRENCY, 1, UPLOAD_CONCURRENCY_MAX).defaultValue(UPLOAD_CONCURRENCY_DEFAULT)
                    .description("Parts of one object uploading at once").build(),
            Setting.bool(CONDITIONAL_WRITES).defaultValue(CONDITIONAL_WRITES_DEFAULT)
                    .description("Make create-if-absent atomic with If-None-Match: *").build(),
            Setting.integer(MAX_CONNECTIONS, 1, MAX_CONNECTIONS_MAX).defaultValue(MAX_CONNECTIONS_DEFAULT)
                    .description("Most HTTP connections kept open").build());

    private S3Settings() {
    }
}

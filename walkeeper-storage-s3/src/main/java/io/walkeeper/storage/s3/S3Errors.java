package io.walkeeper.storage.s3;

import io.walkeeper.api.AlreadyExistsException;
import io.walkeeper.api.ErrorCode;
import io.walkeeper.api.NotFoundException;
import io.walkeeper.api.StorageException;
import io.walkeeper.api.WalKeeperException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Error;

/**
 * Turns what the SDK throws into walkeeper's exceptions, in one place: a missing key into
 * {@link NotFoundException}, a failed create-if-absent precondition into
 * {@link AlreadyExistsException}, a missing bucket and refused credentials into non-retryable
 * {@link StorageException}s that say what to check, and throttling, 5xx answers, time-outs and
 * broken connections into retryable ones. Messages name the object, the bucket and the endpoint,
 * never credentials.
 */
final class S3Errors {

    /** What the failed call was doing; decides how a 404 or 412 is read. */
    enum Operation {
        /** GetObject: 404 means the key does not exist. */
        READ("read", "read"),
        /** HeadObject. */
        HEAD("look up", "read"),
        /** ListObjectsV2. */
        LIST("list", "list"),
        /** PutObject or a multipart upload that must not replace an object: 412 means it exists. */
        CREATE("create", "write"),
        /** PutObject or a multipart upload that replaces. */
        PUT("write", "write"),
        /** DeleteObjects. */
        DELETE("delete", "delete");

        final String verb;
        final String permission;

        Operation(String verb, String permission) {
            this.verb = verb;
            this.permission = permission;
        }
    }

    private static final Set<String> RETRYABLE_CODES = Set.of("SlowDown", "Throttling", "ThrottlingException",
            "RequestThrottled", "RequestLimitExceeded", "TooManyRequestsException", "RequestTimeout",
            "RequestTimeoutException", "InternalError", "ServiceUnavailable", "PriorRequestNotComplete",
            "BadDigest", "IncompleteBody", "XAmzContentSHA256Mismatch");
    private static final Set<String> CREDENTIAL_CODES = Set.of("AccessDenied", "InvalidAccessKeyId",
            "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken", "TokenRefreshRequired", "AllAccessDisabled",
            "AccountProblem", "InvalidSecurity");
    private static final Set<String> REGION_CODES = Set.of("PermanentRedirect", "AuthorizationHeaderMalformed",
            "IllegalLocationConstraintException", "IncorrectEndpoint");

    private final URI location;
    private final String bucket;
    private final String endpoint;

    S3Errors(URI location, String bucket, String endpoint) {
        this.location = location;
        this.bucket = bucket;
        this.endpoint = endpoint;
    }

    /**
     * Explains a failed call.
     *
     * @param operation what the call was doing
     * @param subject what it was done to, such as {@code 'wal/0001'} or {@code 3 object(s)}
     * @param e what the SDK (or the content stream) threw
     * @return the exception to throw
     */
    WalKeeperException failure(Operation operation, String subject, Throwable e) {
        if (e instanceof WalKeeperException w) {
            return w;
        }
        String attempt = "Cannot " + operation.verb + " " + subject + " in " + location + ": ";
        if (e instanceof AwsServiceException s) {
            return serviceFailure(operation, subject, attempt, s);
        }
        if (e instanceof AbortedException || hasCause(e, InterruptedException.class)
                || hasCause(e, InterruptedIOException.class) && Thread.currentThread().isInterrupted()) {
            return new WalKeeperException(ErrorCode.INTERRUPTED, attempt + "the call was interrupted", e);
        }
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return new StorageException(attempt + "the call timed out at " + endpoint, e, true);
        }
        if (hasCause(e, SSLHandshakeException.class) || hasCause(e, SSLPeerUnverifiedException.class)) {
            return new StorageException(attempt + "the TLS handshake with " + endpoint + " failed (" + rootMessage(e)
                    + ") (HINT: check " + S3Settings.ENDPOINT + " and that the JVM trusts the server's certificate)",
                    e, false);
        }
        if (e instanceof IOException || hasCause(e, IOException.class)) {
            return new StorageException(attempt + "the connection to " + endpoint + " failed (" + rootMessage(e)
                    + ")", e, true);
        }
        if (e instanceof SdkClientException && String.valueOf(e.getMessage()).contains("Unable to load credentials")) {
            return new StorageException(attempt + "no AWS credentials found (HINT: set " + S3Settings.ACCESS_KEY_ID
                    + " and " + S3Settings.SECRET_ACCESS_KEY + ", or configure the AWS default credential chain: "
                    + "environment, profile, web identity or instance role)", e, false);
        }
        return new StorageException(attempt + e, e, false);
    }

    private WalKeeperException serviceFailure(Operation operation, String subject, String attempt,
            AwsServiceException s) {
        int status = s.statusCode();
        AwsErrorDetails details = s.awsErrorDetails();
        String code = details == null || details.errorCode() == null ? "" : details.errorCode();
        String answer = describe(s, status, code);
        if (code.equals("NoSuchBucket")) {
            return noSuchBucket(attempt, s);
        }
        if (operation == Operation.READ && (status == 404 || code.equals("NoSuchKey"))) {
            return new NotFoundException(attempt + "no such object", s);
        }
        if (operation == Operation.CREATE && (status == 412 || code.equals("PreconditionFailed")
                || code.equals("ConditionalRequestConflict"))) {
            return new AlreadyExistsException(attempt + "the object already exists and was left untouched", s);
        }
        if (status == 403 || CREDENTIAL_CODES.contains(code)) {
            return new StorageException(attempt + "access denied to bucket '" + bucket + "' at " + endpoint + " ("
                    + answer + ") (HINT: check the credentials (" + S3Settings.ACCESS_KEY_ID + " and "
                    + S3Settings.SECRET_ACCESS_KEY + ", or the AWS default credential chain) and that they may "
                    + operation.permission + " objects in bucket '" + bucket + "')", s, false);
        }
        if (status == 301 || REGION_CODES.contains(code)) {
            return new StorageException(attempt + "bucket '" + bucket + "' is not served by " + endpoint + " ("
                    + answer + ") (HINT: set " + S3Settings.REGION + " to the bucket's region)", s, false);
        }
        if (code.equals("RequestTimeTooSkewed")) {
            return new StorageException(attempt + "this machine's clock differs too much from the server's ("
                    + answer + ") (HINT: synchronise the clock, e.g. with NTP)", s, false);
        }
        if (status == 501 || code.equals("NotImplemented")) {
            String hint = operation == Operation.CREATE ? " (HINT: if the service does not support conditional "
                    + "writes (If-None-Match), set " + S3Settings.CONDITIONAL_WRITES + "=false)" : "";
            return new StorageException(attempt + endpoint + " does not support the request (" + answer + ")" + hint,
                    s, false);
        }
        boolean retryable = status >= 500 || status == 429 || RETRYABLE_CODES.contains(code)
                || s.isThrottlingException();
        return new StorageException(attempt + "S3 answered " + answer + " at " + endpoint, s, retryable);
    }

    /** The missing-bucket error, for any call. */
    StorageException noSuchBucket(String attempt, Throwable cause) {
        return new StorageException(attempt + "bucket '" + bucket + "' does not exist at " + endpoint
                + " (HINT: check the bucket name, the region (" + S3Settings.REGION + ") and the endpoint ("
                + S3Settings.ENDPOINT + "), and that the bucket exists; walkeeper does not create buckets)",
                cause, false);
    }

    /**
     * The error for keys that DeleteObjects reported it could not delete. Retryable if every
     * refusal is (throttling, internal errors): deleting again is harmless.
     *
     * @param refused the per-key errors
     * @param storeKeys store keys by S3 key, for the message
     * @param total how many keys were to be deleted
     */
    StorageException deleteRefused(List<S3Error> refused, Map<String, String> storeKeys, int total) {
        StringBuilder b = new StringBuilder(attempt(Operation.DELETE, refused.size() + " of " + total + " object(s)"));
        boolean retryable = true;
        boolean denied = false;
        int shown = 0;
        for (S3Error error : refused) {
            String code = error.code() == null ? "" : error.code();
            retryable &= RETRYABLE_CODES.contains(code);
            denied |= CREDENTIAL_CODES.contains(code);
            if (shown++ < 5) {
                b.append(shown == 1 ? "" : "; ").append('\'')
                        .append(storeKeys.getOrDefault(error.key(), error.key())).append("' (").append(code)
                        .append(error.message() == null ? "" : ": " + error.message()).append(')');
            }
        }
        if (refused.size() > shown) {
            b.append("; and ").append(refused.size() - shown).append(" more");
        }
        if (denied) {
            b.append(" (HINT: check that the credentials may delete objects in bucket '").append(bucket).append("')");
        }
        return new StorageException(b.toString(), null, retryable);
    }

    /** The prefix of a message about {@code subject}, for failures found without an exception. */
    String attempt(Operation operation, String subject) {
        return "Cannot " + operation.verb + " " + subject + " in " + location + ": ";
    }

    private static String describe(AwsServiceException s, int status, String code) {
        AwsErrorDetails details = s.awsErrorDetails();
        String message = details == null ? null : details.errorMessage();
        StringBuilder b = new StringBuilder("HTTP ").append(status);
        if (!code.isEmpty()) {
            b.append(' ').append(code);
        }
        if (message != null && !message.isBlank()) {
            b.append(": ").append(message);
        }
        if (s.requestId() != null) {
            b.append(", request id ").append(s.requestId());
        }
        return b.toString();
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.toString();
    }
}

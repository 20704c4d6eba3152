package io.walkeeper.storage.gcs;

import com.google.cloud.BaseServiceException;
import io.walkeeper.api.AlreadyExistsException;
import io.walkeeper.api.ErrorCode;
import io.walkeeper.api.NotFoundException;
import io.walkeeper.api.StorageException;
import io.walkeeper.api.WalKeeperException;
import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.util.Locale;

/**
 * Turns what the Google Cloud Storage client throws into walkeeper's exceptions, in one place.
 *
 * <table>
 * <caption>How failures are mapped</caption>
 * <tr><th>failure</th><th>becomes</th></tr>
 * <tr><td>404 on an object</td><td>{@link NotFoundException} naming the key</td></tr>
 * <tr><td>404 on the bucket (listing, upload, or "bucket does not exist")</td>
 *     <td>non-retryable {@link StorageException} naming the bucket and what to check</td></tr>
 * <tr><td>401, 403</td><td>non-retryable {@link StorageException}: check the credentials</td></tr>
 * <tr><td>412 (a {@code doesNotExist()} precondition failed)</td><td>{@link AlreadyExistsException}</td></tr>
 * <tr><td>408, 429, 5xx; no HTTP status but an I/O failure (time-out, reset, DNS)</td>
 *     <td>retryable {@link StorageException}</td></tr>
 * <tr><td>the thread was interrupted</td><td>{@link WalKeeperException} with {@link ErrorCode#INTERRUPTED}</td></tr>
 * <tr><td>anything else</td><td>non-retryable {@link StorageException}</td></tr>
 * </table>
 *
 * <p>The client's own retries are switched off (see {@link GcsClients}); retrying is left to the
 * caller, which asks {@link StorageException#isRetryable()}. Messages carry the server's status
 * and message, never credentials.
 */
final class GcsErrors {

    /** What a failed call was about, which decides what a 404 means. */
    enum Target {
        /** A call on one object: a 404 means the object does not exist (unless the server says the bucket). */
        OBJECT,
        /** A call that needs the bucket only (listing, starting an upload): a 404 means the bucket is missing. */
        BUCKET
    }

    private final GcsLocation location;

    GcsErrors(GcsLocation location) {
        this.location = location;
    }

    /**
     * Translates a failure of the client.
     *
     * @param action what was attempted, as a verb phrase: "read", "create", "list"
     * @param key the key or prefix it was attempted on
     * @param target what a 404 refers to
     * @param failure what the client threw; a {@link com.google.cloud.storage.StorageException} may
     *     be wrapped in an {@link IOException}
     * @return the exception to throw
     */
    WalKeeperException translate(String action, String key, Target target, Throwable failure) {
        if (failure instanceof WalKeeperException w) {
            return w;
        }
        String what = "Cannot " + action + " '" + key + "' in " + location.uri();
        BaseServiceException service = find(failure, BaseServiceException.class);
        if (find(failure, InterruptedException.class) != null || find(failure, ClosedByInterruptException.class) != null) {
            return new WalKeeperException(ErrorCode.INTERRUPTED, what + ": the thread was interrupted; nothing more "
                    + "was done", failure);
        }
        int code = service == null ? BaseServiceException.UNKNOWN_CODE : service.getCode();
        String detail = service == null ? String.valueOf(failure) : detail(service);
        switch (code) {
            case 404:
                if (target == Target.OBJECT && !saysBucketIsMissing(service)) {
                    return new NotFoundException(what + ": no such object", failure);
                }
                return new StorageException(what + ": bucket '" + location.bucket() + "' does not exist (" + detail
                        + "); check the bucket name in the location, and that it belongs to the project the "
                        + "credentials are for", failure, false);
            case 401:
            case 403:
                return new StorageException(what + ": access denied (" + detail + "); check the credentials ("
                        + GcsSettings.CREDENTIALS_FILE + " or Application Default Credentials) and that they grant "
                        + "the Storage Object Admin role, or its permissions, on bucket '" + location.bucket() + "'",
                        failure, false);
            case 412:
                return new AlreadyExistsException(what + ": the object already exists and was left untouched", failure);
            case 408:
            case 429:
                return retryable(what, detail, failure);
            case BaseServiceException.UNKNOWN_CODE:
                if (find(failure, IOException.class) != null) {
                    return retryable(what, detail, failure);
                }
                return new StorageException(what + ": " + detail, failure, false);
            default:
                if (code >= 500 && code <= 599) {
                    return retryable(what, detail, failure);
                }
                return new StorageException(what + ": " + detail, failure, false);
        }
    }

    private static StorageException retryable(String what, String detail, Throwable failure) {
        return new StorageException(what + ": " + detail + " (temporary; the call may succeed when tried again)",
                failure, true);
    }

    private static boolean saysBucketIsMissing(BaseServiceException e) {
        String message = e.getMessage();
        return message != null && message.toLowerCase(Locale.ROOT).contains("bucket does not exist");
    }

    private static String detail(BaseServiceException e) {
        String message = e.getMessage() == null ? "" : e.getMessage().strip();
        if (message.length() > 300) {
            message = message.substring(0, 300) + "...";
        }
        if (e.getCode() == BaseServiceException.UNKNOWN_CODE) {
            Throwable cause = e.getCause();
            return cause == null ? message : cause.getClass().getSimpleName() + ": " + message;
        }
        return "HTTP " + e.getCode() + (e.getReason() == null ? "" : " " + e.getReason())
                + (message.isEmpty() ? "" : ": " + message);
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 16; t = t.getCause(), depth++) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}

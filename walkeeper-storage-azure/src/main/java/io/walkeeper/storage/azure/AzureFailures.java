package io.walkeeper.storage.azure;

import io.walkeeper.api.AlreadyExistsException;
import io.walkeeper.api.ErrorCode;
import io.walkeeper.api.NotFoundException;
import io.walkeeper.api.StorageException;
import io.walkeeper.api.WalKeeperException;
import com.azure.core.exception.ClientAuthenticationException;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobStorageException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.channels.ClosedByInterruptException;
import java.security.GeneralSecurityException;
import java.util.concurrent.TimeoutException;

/**
 * Turns what the Azure SDK throws into walkeeper's exceptions, in one place: which failures are
 * worth retrying, and messages that say what was attempted, on which object, and what to check.
 * Messages carry the HTTP status, Azure's error code and request id, never the service's message
 * text (which can echo request signatures) nor credentials.
 */
final class AzureFailures {

    /** What was being done, for messages and for the meaning of a status. */
    enum Operation {
        /** get, ranged get. */
        READ("read", "from"),
        /** head. */
        LOOK_UP("look up", "in"),
        /** list. */
        LIST("list", "in"),
        /** create (if absent). */
        CREATE("create", "in"),
        /** put (overwrite). */
        WRITE("write", "to"),
        /** delete. */
        DELETE("delete", "from");

        private final String verb;
        private final String preposition;

        Operation(String verb, String preposition) {
            this.verb = verb;
            this.preposition = preposition;
        }
    }

    private final URI location;
    private final String container;
    private final String account;
    private final String endpoint;
    private final String credentialKind;

    AzureFailures(URI location, String container, String account, String endpoint, String credentialKind) {
        this.location = location;
        this.container = container;
        this.account = account;
        this.endpoint = endpoint;
        this.credentialKind = credentialKind;
    }

    /** Starts a message: "Cannot read 'key' from azure://container/prefix". */
    String cannot(Operation op, String key) {
        return "Cannot " + op.verb + " '" + key + "' " + op.preposition + " " + location;
    }

    /**
     * Translates a failure of the SDK (or of the network under it).
     *
     * @param op what was being done
     * @param key the object key, or the prefix of a listing
     * @param failure what was thrown
     * @return the exception to throw: {@link NotFoundException}, {@link AlreadyExistsException} or
     *     a {@link StorageException} that is retryable exactly when trying again may help
     */
    WalKeeperException translate(Operation op, String key, Throwable failure) {
        if (failure instanceof WalKeeperException w) {
            return w;
        }
        BlobStorageException service = find(failure, BlobStorageException.class);
        if (service != null) {
            return fromService(op, key, service);
        }
        ClientAuthenticationException signIn = find(failure, ClientAuthenticationException.class);
        if (signIn != null) {
            // the credential could not get a token (DefaultAzureCredential found no identity, a
            // secret or certificate was refused): no request reached the container
            return new StorageException(cannot(op, key) + ": signing in to account '" + account + "' with "
                    + credentialKind + " failed (" + firstLine(signIn.getMessage()) + "); give the account key ("
                    + AzureSettings.ACCOUNT_KEY + "), a SAS token (" + AzureSettings.SAS_TOKEN + ") or a connection string ("
                    + AzureSettings.CONNECTION_STRING + "), or run where a managed identity, workload identity or Azure "
                    + "CLI login is available", failure, false);
        }
        if (find(failure, InterruptedException.class) != null || find(failure, InterruptedIOException.class) != null
                || find(failure, ClosedByInterruptException.class) != null) {
            Thread.currentThread().interrupt();
            return new WalKeeperException(ErrorCode.INTERRUPTED, cannot(op, key) + ": interrupted"
                    + (op == Operation.CREATE || op == Operation.WRITE ? "; nothing was stored" : ""), failure);
        }
        if (find(failure, GeneralSecurityException.class) != null) {
            return new StorageException(cannot(op, key) + ": the TLS connection to " + endpoint + " failed (" + failure
                    + "); check the endpoint and the JVM's trusted certificates", failure, false);
        }
        Throwable transientCause = find(failure, IOException.class);
        if (transientCause == null) {
            transientCause = find(failure, TimeoutException.class);
        }
        if (transientCause != null) {
            return new StorageException(cannot(op, key) + ": the connection to " + endpoint + " failed ("
                    + describe(transientCause) + "); if this persists, check the network and the endpoint",
                    failure, true);
        }
        return new StorageException(cannot(op, key) + ": " + describe(failure), failure, false);
    }

    /** Tells whether {@code failure} is Azure's "blob not found" (404 other than a missing container). */
    static boolean isBlobNotFound(Throwable failure) {
        BlobStorageException e = find(failure, BlobStorageException.class);
        return e != null && status(e) == 404 && !BlobErrorCode.CONTAINER_NOT_FOUND.equals(code(e));
    }

    /** Returns the HTTP status of a service failure, or -1 if it has no response. */
    static int status(BlobStorageException e) {
        return e.getResponse() == null ? -1 : e.getStatusCode();
    }

    /** Returns Azure's error code of a service failure, or {@code null}. */
    static BlobErrorCode code(BlobStorageException e) {
        return e.getResponse() == null ? null : e.getErrorCode();
    }

    private WalKeeperException fromService(Operation op, String key, BlobStorageException e) {
        int status = status(e);
        BlobErrorCode code = code(e);
        String detail = detail(e);
        if (status == 404 && BlobErrorCode.CONTAINER_NOT_FOUND.equals(code)) {
            return new StorageException(cannot(op, key) + ": container '" + container + "' does not exist in "
                    + accountText() + " (" + detail + "); create the container, or check the container name in the "
                    + "location and the account settings (" + AzureSettings.ACCOUNT_NAME + ", "
                    + AzureSettings.CONNECTION_STRING + ", " + AzureSettings.ENDPOINT + ")", e, false);
        }
        if (status == 404 && op == Operation.READ) {
            return new NotFoundException(cannot(op, key) + ": no such object", e);
        }
        if (op == Operation.CREATE && (status == 412 || (status == 409 && BlobErrorCode.BLOB_ALREADY_EXISTS.equals(code)))) {
            return new AlreadyExistsException(cannot(op, key) + ": the object exists already; it was left untouched", e);
        }
        if (status == 401 || status == 403) {
            return new StorageException(cannot(op, key) + ": access to container '" + container + "' of "
                    + accountText() + " was denied (" + detail + "); check the credentials (" + credentialKind
                    + " is used): the account key (" + AzureSettings.ACCOUNT_KEY + "), the SAS token ("
                    + AzureSettings.SAS_TOKEN + ": its permissions, expiry and allowed addresses) or the connection "
                    + "string (" + AzureSettings.CONNECTION_STRING + "), and that they are for this account", e, false);
        }
        if (status == 408 || status == 429 || status >= 500) {
            return new StorageException(cannot(op, key) + ": the service is busy or failed (" + detail + ")", e, true);
        }
        return new StorageException(cannot(op, key) + ": the service refused the request (" + detail + ")", e, false);
    }

    private String accountText() {
        return (account == null ? "the account" : "account '" + account + "'") + " at " + endpoint;
    }

    private static String detail(BlobStorageException e) {
        StringBuilder s = new StringBuilder("HTTP ").append(status(e));
        if (code(e) != null) {
            s.append(' ').append(code(e));
        }
        String requestId = e.getResponse() == null ? null : e.getResponse().getHeaderValue("x-ms-request-id");
        if (requestId != null) {
            s.append(", request id ").append(requestId);
        }
        return s.toString();
    }

    private static String firstLine(String message) {
        String line = message == null ? "" : message.lines().findFirst().orElse("");
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    private static String describe(Throwable t) {
        String message = t.getMessage();
        return t.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    /** Finds the first throwable of {@code type} in the cause (and suppressed-free) chain of {@code t}. */
    static <T extends Throwable> T find(Throwable t, Class<T> type) {
        int depth = 0;
        for (Throwable c = t; c != null && depth < 20; c = c.getCause(), depth++) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }
}

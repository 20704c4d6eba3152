package io.walkeeper.storage.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walkeeper.api.AlreadyExistsException;
import io.walkeeper.api.ErrorCode;
import io.walkeeper.api.NotFoundException;
import io.walkeeper.api.StorageException;
import io.walkeeper.api.WalKeeperException;
import io.walkeeper.storage.azure.AzureFailures.Operation;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpResponse;
import com.azure.storage.blob.models.BlobStorageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Unit tests of the one place that maps SDK failures: retryable exactly when trying again can help. */
class AzureFailuresTest {
    private final AzureFailures failures = new AzureFailures(URI.create("azure://backups/pg"), "backups", "acct",
            "https://acct.blob.core.windows.net", "the account key");

    @Test
    void missingBlobIsNotFoundOnRead() {
        WalKeeperException e = failures.translate(Operation.READ, "wal/1", service(404, "BlobNotFound"));
        assertInstanceOf(NotFoundException.class, e);
        assertTrue(e.getMessage().contains("'wal/1'"), e.getMessage());
        assertTrue(AzureFailures.isBlobNotFound(service(404, "BlobNotFound")));
        assertTrue(AzureFailures.isBlobNotFound(service(404, null)), "a HEAD response may lack the error code");
        assertFalse(AzureFailures.isBlobNotFound(service(404, "ContainerNotFound")));
    }

    @Test
    void missingContainerIsPermanentAndSaysWhatToCheck() {
        for (Operation op : Operation.values()) {
            WalKeeperException e = failures.translate(op, "k", service(404, "ContainerNotFound"));
            StorageException s = assertInstanceOf(StorageException.class, e, op.name());
            assertFalse(s.isRetryable());
            assertTrue(s.getMessage().contains("container 'backups' does not exist in account 'acct' at "
                    + "https://acct.blob.core.windows.net"), s.getMessage());
            assertTrue(s.getMessage().contains(AzureSettings.ACCOUNT_NAME), s.getMessage());
        }
    }

    @Test
    void existingBlobIsAlreadyExistsOnCreateOnly() {
        assertInstanceOf(AlreadyExistsException.class, failures.translate(Operation.CREATE, "k",
                service(409, "BlobAlreadyExists")));
        assertInstanceOf(AlreadyExistsException.class, failures.translate(Operation.CREATE, "k",
                service(412, "ConditionNotMet")));
        assertInstanceOf(StorageException.class, failures.translate(Operation.WRITE, "k",
                service(412, "ConditionNotMet")));
        assertInstanceOf(StorageException.class, failures.translate(Operation.CREATE, "k",
                service(409, "LeaseIdMissing")));
    }

    @Test
    void deniedAccessIsPermanentAndPointsAtTheCredentials() {
        for (String code : new String[] {"AuthenticationFailed", "AuthorizationFailure",
                "AuthorizationPermissionMismatch"}) {
            StorageException s = assertInstanceOf(StorageException.class,
                    failures.translate(Operation.LIST, "", service(403, code)));
            assertFalse(s.isRetryable());
            assertTrue(s.getMessage().contains("check the credentials") && s.getMessage().contains("'backups'")
                    && s.getMessage().contains(code) && s.getMessage().contains("request id req-1"), s.getMessage());
        }
        assertFalse(failures.translate(Operation.LIST, "", service(403, "AuthenticationFailed")).getMessage()
                .contains("signature"), "the service's message text is left out");
    }

    @Test
    void busyAndFailingServiceIsRetryable() {
        for (int status : new int[] {500, 502, 503, 504, 429, 408}) {
            StorageException s = assertInstanceOf(StorageException.class,
                    failures.translate(Operation.WRITE, "k", service(status, status == 503 ? "ServerBusy" : null)));
            assertTrue(s.isRetryable(), "HTTP " + status);
        }
        for (int status : new int[] {400, 405, 409, 413}) {
            StorageException s = assertInstanceOf(StorageException.class,
                    failures.translate(Operation.WRITE, "k", service(status, "InvalidHeaderValue")));
            assertFalse(s.isRetryable(), "HTTP " + status);
        }
    }

    @Test
    void networkFailuresAreRetryable() {
        Throwable[] transients = {new IOException("Connection reset"), new ConnectException("Connection refused"),
                new HttpTimeoutException("request timed out"), new UncheckedIOException(new IOException("EOF")),
                Exceptions.propagate(new TimeoutException("no response in 60 s")),
                new RuntimeException(new IOException("broken pipe"))};
        for (Throwable t : transients) {
            StorageException s = assertInstanceOf(StorageException.class, failures.translate(Operation.READ, "k", t));
            assertTrue(s.isRetryable(), t.toString());
            assertTrue(s.getMessage().contains("https://acct.blob.core.windows.net"), s.getMessage());
        }
        StorageException other = assertInstanceOf(StorageException.class,
                failures.translate(Operation.READ, "k", new IllegalStateException("bug")));
        assertFalse(other.isRetryable());
    }

    @Test
    void interruptionIsReportedAsSuch() {
        WalKeeperException e = failures.translate(Operation.CREATE, "k", Exceptions.propagate(new InterruptedException()));
        assertEquals(ErrorCode.INTERRUPTED, e.errorCode());
        assertTrue(Thread.interrupted(), "the interrupt flag is restored");
    }

    private static BlobStorageException service(int status, String code) {
        return new BlobStorageException("Status code " + status + ", \"<Error><Message>Server failed to authenticate; "
                + "the MAC signature found in the request 'abc' is not the same</Message></Error>\"",
                new FakeResponse(status, code), null);
    }

    /** A response with a status and Azure's error code header. */
    private static final class FakeResponse extends HttpResponse {
        private final int status;
        private final HttpHeaders headers = new HttpHeaders();

        FakeResponse(int status, String code) {
            super(null);
            this.status = status;
            if (code != null) {
                headers.set(HttpHeaderName.fromString("x-ms-error-code"), code);
            }
            headers.set(HttpHeaderName.fromString("x-ms-request-id"), "req-1");
        }

        @Override
        public int getStatusCode() {
            return status;
        }

        @Override
        @Deprecated
        public String getHeaderValue(String name) {
            return headers.getValue(name);
        }

        @Override
        public HttpHeaders getHeaders() {
            return headers;
        }

        @Override
        public Flux<ByteBuffer> getBody() {
            return Flux.empty();
        }

        @Override
        public Mono<byte[]> getBodyAsByteArray() {
            return Mono.empty();
        }

        @Override
        public Mono<String> getBodyAsString() {
            return Mono.empty();
        }

        @Override
        public Mono<String> getBodyAsString(Charset charset) {
            return Mono.empty();
        }
    }
}

package io.walkeeper.storage.gcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.storage.StorageException;
import io.walkeeper.api.AlreadyExistsException;
import io.walkeeper.api.ErrorCode;
import io.walkeeper.api.InvalidRequestException;
import io.walkeeper.api.NotFoundException;
import io.walkeeper.api.WalKeeperException;
import io.walkeeper.storage.gcs.GcsErrors.Target;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.channels.ClosedByInterruptException;
import org.junit.jupiter.api.Test;

class GcsErrorsTest {
    private final GcsErrors errors = new GcsErrors(GcsLocation.parse(URI.create("gs://my-bucket/pg/main")));

    private WalKeeperException translate(Target target, Throwable failure) {
        return errors.translate("read", "wal/0001", target, failure);
    }

    private static io.walkeeper.api.StorageException storage(WalKeeperException e) {
        return assertInstanceOf(io.walkeeper.api.StorageException.class, e);
    }

    @Test
    void notFoundOnAnObjectNamesTheKey() {
        WalKeeperException e = translate(Target.OBJECT, new StorageException(404, "No such object: my-bucket/pg/main/wal/0001"));
        assertInstanceOf(NotFoundException.class, e);
        assertTrue(e.getMessage().contains("'wal/0001'") && e.getMessage().contains("gs://my-bucket/pg/main/"),
                e.getMessage());
    }

    @Test
    void notFoundOfTheBucketIsAStorageFailureNamingIt() {
        for (WalKeeperException e : new WalKeeperException[] {
                translate(Target.OBJECT, new StorageException(404, "The specified bucket does not exist.")),
                translate(Target.BUCKET, new StorageException(404, "Not Found"))}) {
            io.walkeeper.api.StorageException s = storage(e);
            assertFalse(s.isRetryable());
            assertTrue(e.getMessage().contains("bucket 'my-bucket' does not exist")
                    && e.getMessage().contains("check the bucket name"), e.getMessage());
        }
    }

    @Test
    void accessDeniedIsNotRetryableAndPointsAtTheCredentials() {
        for (int code : new int[] {401, 403}) {
            io.walkeeper.api.StorageException s = storage(translate(Target.OBJECT,
                    new StorageException(code, "Permission denied", "forbidden", null)));
            assertFalse(s.isRetryable());
            assertEquals(ErrorCode.STORAGE, s.errorCode());
            assertTrue(s.getMessage().contains("HTTP " + code) && s.getMessage().contains("credentials")
                    && s.getMessage().contains("'my-bucket'"), s.getMessage());
        }
    }

    @Test
    void failedPreconditionIsAlreadyExists() {
        WalKeeperException e = errors.translate("create", "wal/0001", Target.BUCKET,
                new StorageException(412, "At least one of the pre-conditions you specified did not hold."));
        assertInstanceOf(AlreadyExistsException.class, e);
        assertTrue(e.getMessage().contains("'wal/0001'") && e.getMessage().contains("already exists"), e.getMessage());
    }

    @Test
    void throttlingServerErrorsAndIoFailuresAreRetryable() {
        for (int code : new int[] {408, 429, 500, 502, 503, 504}) {
            assertTrue(storage(translate(Target.OBJECT, new StorageException(code, "busy"))).isRetryable(), "" + code);
        }
        assertTrue(storage(translate(Target.OBJECT, new StorageException(new SocketTimeoutException("Read timed out"))))
                .isRetryable());
        assertTrue(storage(translate(Target.OBJECT, new IOException("Connection reset"))).isRetryable());
        assertTrue(storage(translate(Target.OBJECT, new IOException("wrapped", new StorageException(503, "x"))))
                .isRetryable());
    }

    @Test
    void otherFailuresAreNotRetryable() {
        for (int code : new int[] {400, 409, 410, 416}) {
            assertFalse(storage(translate(Target.OBJECT, new StorageException(code, "bad"))).isRetryable(), "" + code);
        }
        assertFalse(storage(translate(Target.OBJECT, new StorageException(0, "odd"))).isRetryable());
        assertFalse(storage(translate(Target.OBJECT, new IllegalStateException("client bug"))).isRetryable());
    }

    @Test
    void interruptionAndOwnExceptionsPassThrough() {
        assertEquals(ErrorCode.INTERRUPTED,
                translate(Target.OBJECT, new StorageException(new ClosedByInterruptException())).errorCode());
        InvalidRequestException own = new InvalidRequestException("bad key");
        assertSame(own, translate(Target.OBJECT, own));
    }
}

package io.walkeeper.storage.s3;

import io.walkeeper.api.StorageException;
import io.walkeeper.api.WalKeeperException;
import io.walkeeper.spi.ProviderInputStream;
import java.io.IOException;
import software.amazon.awssdk.core.ResponseInputStream;

/**
 * The body of a GetObject. Closing it before its end aborts the connection instead of reading the
 * rest of a possibly huge object to reuse the connection. Every failure while reading (a checksum
 * mismatch, a dropped connection, any SDK exception) counts as retryable under
 * {@link ProviderInputStream}'s rule, so it surfaces as an {@link IOException}, as callers of a
 * stream expect, and walkeeper's retry layer resumes with a ranged read.
 */
final class S3ObjectInputStream extends ProviderInputStream {
    private final ResponseInputStream<?> response;

    S3ObjectInputStream(ResponseInputStream<?> response, String description, long offset) {
        super(description, offset);
        this.response = response;
    }

    @Override
    protected int readBody(byte[] b, int off, int len) throws IOException {
        return response.read(b, off, len);
    }

    @Override
    protected WalKeeperException translate(Exception failure) {
        return new StorageException(String.valueOf(failure.getMessage()), failure, true);
    }

    @Override
    protected void closeBody(boolean endedNormally) throws IOException {
        if (!endedNormally) {
            response.abort();
        }
        response.close();
    }
}

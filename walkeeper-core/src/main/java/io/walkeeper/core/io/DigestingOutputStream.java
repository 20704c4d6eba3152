package io.walkeeper.core.io;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Counts and SHA-256-hashes the bytes written through it. */
public final class DigestingOutputStream extends FilterOutputStream {
    private final MessageDigest digest = sha256();
    private long count;

    /**
     * Wraps a stream.
     *
     * @param out the destination
     */
    public DigestingOutputStream(OutputStream out) {
        super(out);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        digest.update((byte) b);
        count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        digest.update(b, off, len);
        count += len;
    }

    /** @return bytes written so far */
    public long count() {
        return count;
    }

    /** @return the hex SHA-256 of what was written; call once, after the last write */
    public String sha256Hex() {
        return HexFormat.of().formatHex(digest.digest());
    }
}

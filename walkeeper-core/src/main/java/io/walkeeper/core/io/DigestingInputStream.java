package io.walkeeper.core.io;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/** Counts and SHA-256-hashes the bytes read through it. */
public final class DigestingInputStream extends FilterInputStream {
    private final MessageDigest digest = DigestingOutputStream.sha256();
    private long count;

    /**
     * Wraps a stream.
     *
     * @param in the source
     */
    public DigestingInputStream(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            digest.update((byte) b);
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            digest.update(b, off, n);
            count += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buf = new byte[8192];
        long done = 0;
        while (done < n) {
            int r = read(buf, 0, (int) Math.min(buf.length, n - done));
            if (r < 0) {
                break;
            }
            done += r;
        }
        return done;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /**
     * Reads the rest of the stream so that the digest covers all of it.
     *
     * @throws IOException if reading fails
     */
    public void drain() throws IOException {
        byte[] buf = new byte[64 * 1024];
        while (read(buf, 0, buf.length) >= 0) {
            // keep reading
        }
    }

    /** @return bytes read so far */
    public long count() {
        return count;
    }

    /** @return the hex SHA-256 of what was read; call once, at the end */
    public String sha256Hex() {
        return HexFormat.of().formatHex(digest.digest());
    }
}

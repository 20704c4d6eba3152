package io.walkeeper.core.repo;

import io.walkeeper.api.ConfigurationException;
import io.walkeeper.api.IntegrityException;
import io.walkeeper.spi.CompressionCodec;
import io.walkeeper.spi.EncryptionProvider;
import io.walkeeper.spi.StreamCipher;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Objects;

/**
 * How objects are encoded on the way into the repository and decoded on the way out: compress,
 * then (optionally) encrypt. Every object's key ends with the codec's extension and then the
 * cipher's, so decoding picks its codec from the key, never from today's settings.
 */
public final class ObjectFormat {
    private final CompressionCodec codec;
    private final EncryptionProvider encryption;
    private final StreamCipher cipher;
    private final List<CompressionCodec> knownCodecs;

    /**
     * Creates a format.
     *
     * @param codec the codec new objects are written with
     * @param encryption the encryption provider, or {@code null} for plain objects
     * @param cipher the configured cipher for {@code encryption}, or {@code null}
     * @param knownCodecs every codec available for reading
     */
    public ObjectFormat(CompressionCodec codec, EncryptionProvider encryption, StreamCipher cipher,
                        List<CompressionCodec> knownCodecs) {
        this.codec = Objects.requireNonNull(codec, "codec");
        this.encryption = encryption;
        this.cipher = cipher;
        this.knownCodecs = List.copyOf(knownCodecs);
    }

    /**
     * @return the configured cipher's signing ability, when it has one (manifests are then signed
     *     and verified)
     */
    public java.util.Optional<io.walkeeper.spi.SupportsSigning> signer() {
        return cipher instanceof io.walkeeper.spi.SupportsSigning s ? java.util.Optional.of(s) : java.util.Optional.empty();
    }

    /**
     * @return the codec new objects are written with
     */
    public CompressionCodec codec() {
        return codec;
    }

    /**
     * Returns the key under which an object with this base name is written now.
     *
     * @param base the key without extensions, e.g. {@code wal/000000010000000000000019}
     * @return for example {@code wal/000000010000000000000019.lz4}
     */
    public String keyFor(String base) {
        String key = codec.extension().isEmpty() ? base : base + "." + codec.extension();
        return encryption == null ? key : key + "." + encryption.extension();
    }

    /**
     * Tells whether {@code key} is {@code base} followed by a codec and cipher suffix this format
     * can read (including no suffix at all, the identity codec).
     *
     * @param key a stored key
     * @param base the base name
     * @return {@code true} if {@code key} stores {@code base}
     */
    public boolean isEncodingOf(String key, String base) {
        if (!key.startsWith(base)) {
            return false;
        }
        String rest = key.substring(base.length());
        if (rest.isEmpty()) {
            return true;
        }
        for (EncryptionProvider p : io.walkeeper.core.repo.Providers.encryptionProviders()) {
            String ext = "." + p.extension();
            if (rest.endsWith(ext)) {
                rest = rest.substring(0, rest.length() - ext.length());
                break;
            }
        }
        if (rest.isEmpty()) {
            return true;
        }
        for (CompressionCodec c : knownCodecs) {
            if (!c.extension().isEmpty() && rest.equals("." + c.extension())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Wraps the raw store stream so that what is written is compressed, then encrypted.
     * Closing the returned stream closes {@code raw}.
     *
     * @param raw the stream the store provides
     * @return the stream to write plain bytes into
     * @throws IOException if a format header cannot be written
     */
    public OutputStream encode(OutputStream raw) throws IOException {
        OutputStream sealed = cipher == null ? raw : cipher.encrypt(raw);
        return codec.compress(sealed);
    }

    /**
     * Wraps a stored object's bytes so that reading yields the plain content, choosing the cipher
     * and codec from the key's extensions.
     *
     * @param key the object's key
     * @param stored the object's bytes
     * @return the plain content
     * @throws IOException if a format header cannot be read
     * @throws ConfigurationException if the object is encrypted and no key to decrypt it is configured
     */
    public InputStream decode(String key, InputStream stored) throws IOException {
        String rest = key;
        InputStream in = stored;
        for (EncryptionProvider p : Providers.encryptionProviders()) {
            String ext = "." + p.extension();
            if (rest.endsWith(ext)) {
                if (cipher == null || encryption == null || !encryption.name().equals(p.name())) {
                    throw new ConfigurationException("Cannot read '" + key + "': it is encrypted with " + p.name()
                            + " and no decryption key is configured (HINT: set the private key settings)");
                }
                try {
                    in = cipher.decrypt(in);
                } catch (io.walkeeper.api.WalKeeperException e) {
                    throw withObject(e, key);
                }
                rest = rest.substring(0, rest.length() - ext.length());
                break;
            }
        }
        return codecForName(rest).decompress(in);
    }

    /**
     * Returns a codec's or cipher's typed error with the object's key in the message (unchanged if it names it).
     *
     * @param e the error
     * @param key the object's key
     * @return the error to throw
     */
    public static io.walkeeper.api.WalKeeperException withObject(io.walkeeper.api.WalKeeperException e, String key) {
        if (e.getMessage() != null && e.getMessage().contains(key)) {
            return e;
        }
        String message = "Cannot read '" + key + "': " + e.getMessage();
        if (e instanceof ConfigurationException) {
            return new ConfigurationException(message, e);
        }
        if (e instanceof IntegrityException) {
            return new IntegrityException(message, e);
        }
        return new io.walkeeper.api.WalKeeperException(e.errorCode(), message, e);
    }

    private CompressionCodec codecForName(String key) {
        String file = key.substring(key.lastIndexOf('/') + 1);
        int dot = file.lastIndexOf('.');
        String ext = dot < 0 ? "" : file.substring(dot + 1);
        CompressionCodec identity = null;
        for (CompressionCodec c : knownCodecs) {
            if (!c.extension().isEmpty() && c.extension().equals(ext)) {
                return c;
            }
            if (c.extension().isEmpty()) {
                identity = c;
            }
        }
        if (!ext.isEmpty() && !PLAIN_SUFFIXES.contains(ext)) {
            throw new ConfigurationException("Cannot read '" + key + "': its extension '." + ext + "' names a codec that is not "
                    + "on the class path (HINT: add the module that provides it, e.g. walkeeper-compress)");
        }
        if (identity == null) {
            throw new ConfigurationException("Cannot read '" + key + "': it is stored uncompressed and the 'none' codec is not "
                    + "on the class path (HINT: add walkeeper-compress)");
        }
        return identity;
    }

    /**
     * Tells whether a stored key ends in an extension that names a codec or cipher this
     * class path cannot read, e.g. {@code wal/000000010000000000000019.br} without the brotli codec.
     *
     * @param key a stored key
     * @param base the base name it stores
     * @return the unreadable extension chain, or {@code null}
     */
    public String unreadableSuffix(String key, String base) {
        if (!key.startsWith(base) || isEncodingOf(key, base)) {
            return null;
        }
        String rest = key.substring(base.length());
        return rest.matches("(\\.[a-z][a-z0-9]{0,7}){1,2}") && !rest.startsWith(".partial") && !rest.startsWith(".backup")
                ? rest : null;
    }

    /** Extensions of plain objects, which the identity codec reads: tar parts, JSON, WAL history and partial files. */
    private static final java.util.Set<String> PLAIN_SUFFIXES = java.util.Set.of("tar", "json", "backup", "partial", "history");
}

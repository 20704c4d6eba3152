package io.walkeeper.crypto;

import io.walkeeper.api.ConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRingCollection;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;

/**
 * Reads public and secret key rings, armored (one or more blocks) or binary (one or more rings),
 * from a setting's text or file, and explains in a {@link ConfigurationException} naming the
 * setting what is wrong with them.
 */
final class KeyRingParser {
    /** Key files are small; anything larger is certainly not one. */
    private static final long MAX_KEY_FILE_BYTES = 16L << 20;
    private static final String ARMOR_BEGIN = "-----BEGIN PGP ";

    private KeyRingParser() {
    }

    /** Reads the file a {@code *-path} setting names. */
    static byte[] readFile(String setting, String value) {
        Path path;
        try {
            path = Path.of(value);
        } catch (InvalidPathException e) {
            throw new ConfigurationException("Invalid setting " + setting + ": '" + value + "' is not a file path", e);
        }
        try {
            if (Files.isDirectory(path)) {
                throw new ConfigurationException("Invalid setting " + setting + ": '" + value
                        + "' is a directory (HINT: name the key file itself)");
            }
            if (Files.size(path) > MAX_KEY_FILE_BYTES) {
                throw new ConfigurationException("Invalid setting " + setting + ": '" + value
                        + "' is larger than any key file (" + Files.size(path) + " bytes)");
            }
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new ConfigurationException("Invalid setting " + setting + ": the key file '" + value
                    + "' does not exist", e);
        } catch (IOException e) {
            throw new ConfigurationException("Invalid setting " + setting + ": cannot read the key file '" + value
                    + "': " + e, e);
        }
    }

    /** Parses one or more public key rings; rejects secret keys and anything else. */
    static PGPPublicKeyRingCollection publicKeys(String setting, byte[] data) {
        requireContent(setting, data);
        PGPPublicKeyRingCollection rings;
        try {
            rings = parsePublic(data);
        } catch (IOException | PGPException | RuntimeException e) {
            if (parsesAsSecret(data)) {
                throw new ConfigurationException("Invalid setting " + setting
                        + ": it holds a private key, not a public key (HINT: set it as "
                        + OpenPgpSettings.PRIVATE_KEY + " or " + OpenPgpSettings.PRIVATE_KEY_PATH
                        + ", or export the public key with 'gpg --export --armor')", e);
            }
            throw new ConfigurationException("Invalid setting " + setting
                    + ": not an OpenPGP public key, armored or binary (" + e.getMessage() + ")", e);
        }
        if (rings.size() == 0) {
            throw new ConfigurationException("Invalid setting " + setting + ": it holds no OpenPGP public key");
        }
        return rings;
    }

    /** Parses one or more secret key rings; rejects public keys and anything else. */
    static PGPSecretKeyRingCollection secretKeys(String setting, byte[] data) {
        requireContent(setting, data);
        PGPSecretKeyRingCollection rings;
        try {
            rings = parseSecret(data);
        } catch (IOException | PGPException | RuntimeException e) {
            if (parsesAsPublic(data)) {
                throw new ConfigurationException("Invalid setting " + setting
                        + ": it holds a public key, not a private key (HINT: set it as "
                        + OpenPgpSettings.PUBLIC_KEY + " or " + OpenPgpSettings.PUBLIC_KEY_PATH
                        + " to encrypt only, or export the private key with 'gpg --export-secret-keys --armor')", e);
            }
            throw new ConfigurationException("Invalid setting " + setting
                    + ": not an OpenPGP private key, armored or binary (" + e.getMessage() + ")", e);
        }
        if (rings.size() == 0) {
            throw new ConfigurationException("Invalid setting " + setting + ": it holds no OpenPGP private key");
        }
        return rings;
    }

    private static void requireContent(String setting, byte[] data) {
        for (byte b : data) {
            if (!Character.isWhitespace(b)) {
                return;
            }
        }
        throw new ConfigurationException("Invalid setting " + setting + ": it is empty");
    }

    private static PGPPublicKeyRingCollection parsePublic(byte[] data) throws IOException, PGPException {
        List<PGPPublicKeyRing> rings = new ArrayList<>();
        for (byte[] block : blocks(data)) {
            try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(block))) {
                new PGPPublicKeyRingCollection(in, new BcKeyFingerprintCalculator()).forEach(rings::add);
            }
        }
        return new PGPPublicKeyRingCollection(rings);
    }

    private static PGPSecretKeyRingCollection parseSecret(byte[] data) throws IOException, PGPException {
        List<PGPSecretKeyRing> rings = new ArrayList<>();
        for (byte[] block : blocks(data)) {
            try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(block))) {
                new PGPSecretKeyRingCollection(in, new BcKeyFingerprintCalculator()).forEach(rings::add);
            }
        }
        return new PGPSecretKeyRingCollection(rings);
    }

    /**
     * Splits armored text into its blocks, since an armor decoder stops after the first; binary
     * key rings simply follow each other and are returned whole.
     */
    private static List<byte[]> blocks(byte[] data) {
        String text = new String(data, StandardCharsets.ISO_8859_1);
        List<byte[]> blocks = new ArrayList<>();
        int start = text.indexOf(ARMOR_BEGIN);
        if (start < 0 || !text.substring(0, start).isBlank()) {
            return List.of(data);
        }
        while (start >= 0) {
            int next = text.indexOf(ARMOR_BEGIN, start + ARMOR_BEGIN.length());
            blocks.add(text.substring(start, next < 0 ? text.length() : next).getBytes(StandardCharsets.ISO_8859_1));
            start = next;
        }
        return blocks;
    }

    private static boolean parsesAsSecret(byte[] data) {
        try {
            return parseSecret(data).size() > 0;
        } catch (IOException | PGPException | RuntimeException e) {
            return false;
        }
    }

    private static boolean parsesAsPublic(byte[] data) {
        try {
            return parsePublic(data).size() > 0;
        } catch (IOException | PGPException | RuntimeException e) {
            return false;
        }
    }
}

package io.walkeeper.core.repo;

/**
 * Where things live in a repository (format version 1): {@code walkeeper.json},
 * {@code wal/<file>[.codec][.cipher]}, {@code backups/<name>/part_NNNN.tar[.codec]},
 * {@code backups/<name>/pg_control.tar[.codec]}, the manifest {@code backups/<name>.json}, and
 * while the backup runs its lease {@code backups/<name>.lease}.
 */
public final class RepositoryLayout {
    /** The repository format this version writes and reads. */
    public static final int FORMAT_VERSION = 1;
    /**
     * The format version of a manifest that stores a file in chunks ({@link FileEntry#chunks()}),
     * so that a release that cannot reassemble them refuses the backup by its version instead of
     * misreading it. Manifests without chunks keep version {@link #FORMAT_VERSION}; both are read.
     */
    public static final int CHUNKED_FORMAT_VERSION = 2;
    /** The repository descriptor's key. */
    public static final String DESCRIPTOR = "walkeeper.json";
    /** The prefix of archived WAL. */
    public static final String WAL_PREFIX = "wal/";
    /** The prefix of backups and their manifests. */
    public static final String BACKUPS_PREFIX = "backups/";
    private static final String LEASE_SUFFIX = ".lease";
    private static final String MARK_SUFFIX = ".mark";

    private RepositoryLayout() {
    }

    /**
     * @param walFileName a WAL file name
     * @return the key without codec extensions
     */
    public static String walBase(String walFileName) {
        return WAL_PREFIX + walFileName;
    }

    /**
     * @param backupName a backup name
     * @return the manifest key
     */
    public static String manifestKey(String backupName) {
        return BACKUPS_PREFIX + backupName + ".json";
    }

    /**
     * @param backupName a backup name
     * @return the key of the manifest's detached signature
     */
    public static String manifestSignatureKey(String backupName) {
        return manifestKey(backupName) + ".sig";
    }

    /**
     * @param backupName a backup name
     * @return the prefix under which the backup's parts live
     */
    public static String backupPrefix(String backupName) {
        return BACKUPS_PREFIX + backupName + "/";
    }

    /**
     * @param backupName a backup name
     * @return the key of the lease a running backup of that name holds
     */
    public static String leaseKey(String backupName) {
        return BACKUPS_PREFIX + backupName + LEASE_SUFFIX;
    }

    /**
     * Returns the backup name if {@code key} is a lease key, else {@code null}.
     *
     * @param key a stored key
     * @return the backup name or {@code null}
     */
    public static String backupNameOfLease(String key) {
        if (!key.startsWith(BACKUPS_PREFIX) || !key.endsWith(LEASE_SUFFIX)) {
            return null;
        }
        String name = key.substring(BACKUPS_PREFIX.length(), key.length() - LEASE_SUFFIX.length());
        return name.isEmpty() || name.contains("/") ? null : name;
    }

    /**
     * Returns the backup name if {@code key} is a manifest key, else {@code null}.
     *
     * @param key a stored key
     * @return the backup name or {@code null}
     */
    public static String backupNameOfManifest(String key) {
        if (!key.startsWith(BACKUPS_PREFIX) || !key.endsWith(".json")) {
            return null;
        }
        String name = key.substring(BACKUPS_PREFIX.length(), key.length() - ".json".length());
        return name.isEmpty() || name.contains("/") ? null : name;
    }

    /**
     * Returns the key of a backup's permanence mark, written by {@code backup-mark}.
     *
     * @param backupName the backup name
     * @return {@code backups/<name>.mark}
     */
    public static String markKey(String backupName) {
        return BACKUPS_PREFIX + backupName + MARK_SUFFIX;
    }

    /**
     * Tells the backup name from the key of a permanence mark.
     *
     * @param key a key under {@code backups/}
     * @return the backup name, or {@code null} if the key is not a mark
     */
    public static String backupNameOfMark(String key) {
        if (!key.startsWith(BACKUPS_PREFIX) || !key.endsWith(MARK_SUFFIX)) {
            return null;
        }
        String name = key.substring(BACKUPS_PREFIX.length(), key.length() - MARK_SUFFIX.length());
        return name.isEmpty() || name.contains("/") ? null : name;
    }
}

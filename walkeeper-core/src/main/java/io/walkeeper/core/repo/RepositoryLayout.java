package io.walkeeper.core.repo;

/**
 * Where things live in a repository (format version 1): {@code walkeeper.json},
 * {@code wal/<file>[.codec][.cipher]}, {@code backups/<name>/part_NNNN.tar[.codec]},
 * {@code backups/<name>/pg_control.tar[.codec]}, the manifest {@code backups/<name>.json}, for a
 * large manifest its catalogue entry {@code backups/<name>/catalogue.json}, and while the backup
 * runs its lease {@code backups/<name>.lease}.
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
    /** The prefix of restore drill reports: {@code drills/<backup>/<time>.json}. */
    public static final String DRILLS_PREFIX = "drills/";
    private static final String LEASE_SUFFIX = ".lease";
    private static final String MARK_SUFFIX = ".mark";
    private static final String MANIFEST_SUFFIX = ".json";
    private static final String SIGNATURE_SUFFIX = ".json.sig";
    /** The objects a backup keeps beside its prefix, longest suffix first. */
    private static final java.util.List<String> TOP_LEVEL_SUFFIXES = java.util.List.of(SIGNATURE_SUFFIX, MANIFEST_SUFFIX,
            MARK_SUFFIX, LEASE_SUFFIX);

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
        return BACKUPS_PREFIX + backupName + MANIFEST_SUFFIX;
    }

    /**
     * @param backupName a backup name
     * @return the key of the manifest's detached signature
     */
    public static String manifestSignatureKey(String backupName) {
        return BACKUPS_PREFIX + backupName + SIGNATURE_SUFFIX;
    }

    /**
     * @param backupName a backup name
     * @return the prefix under which the backup's parts live
     */
    public static String backupPrefix(String backupName) {
        return BACKUPS_PREFIX + backupName + "/";
    }

    /**
     * The key of a backup's catalogue entry, written beside a large manifest ({@link CatalogueEntry}).
     *
     * @param backupName a backup name
     * @return {@code backups/<name>/catalogue.json}
     */
    public static String catalogueEntryKey(String backupName) {
        return backupPrefix(backupName) + "catalogue.json";
    }

    /**
     * The prefix of a backup's drill reports.
     *
     * @param backupName the backup
     * @return {@code drills/<name>/}
     */
    public static String drillPrefix(String backupName) {
        return DRILLS_PREFIX + backupName + "/";
    }

    /**
     * The backup a drill report belongs to.
     *
     * @param key a key under {@link #DRILLS_PREFIX}
     * @return the backup's name, or {@code null} when the key is not a drill report's
     */
    public static String backupNameOfDrillReport(String key) {
        if (!key.startsWith(DRILLS_PREFIX)) {
            return null;
        }
        String rest = key.substring(DRILLS_PREFIX.length());
        int slash = rest.indexOf('/');
        return slash > 0 && rest.indexOf('/', slash + 1) < 0 ? rest.substring(0, slash) : null;
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
        return nameBefore(key, LEASE_SUFFIX);
    }

    /**
     * Returns the backup name if {@code key} is a manifest key, else {@code null}.
     *
     * @param key a stored key
     * @return the backup name or {@code null}
     */
    public static String backupNameOfManifest(String key) {
        return nameBefore(key, MANIFEST_SUFFIX);
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
        return nameBefore(key, MARK_SUFFIX);
    }

    /**
     * Tells which backup any key under {@code backups/} belongs to: its parts (under its prefix),
     * its manifest and the manifest's signature, its lease and its permanence mark.
     *
     * @param key a stored key
     * @return the backup name, or {@code null} for a key of no backup
     */
    public static String backupNameOf(String key) {
        if (!key.startsWith(BACKUPS_PREFIX)) {
            return null;
        }
        String rest = key.substring(BACKUPS_PREFIX.length());
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            return slash == 0 ? null : rest.substring(0, slash);
        }
        for (String suffix : TOP_LEVEL_SUFFIXES) {
            String name = nameBefore(key, suffix);
            if (name != null) {
                return name;
            }
        }
        return null;
    }

    /** The backup name of {@code backups/<name><suffix>}, or {@code null} if the key is not of that form. */
    private static String nameBefore(String key, String suffix) {
        if (!key.startsWith(BACKUPS_PREFIX) || !key.endsWith(suffix)) {
            return null;
        }
        String name = key.substring(BACKUPS_PREFIX.length(), key.length() - suffix.length());
        return name.isEmpty() || name.contains("/") ? null : name;
    }
}

package io.walkeeper.core.backup;

import java.nio.file.Path;
import java.util.Set;

/**
 * What the preflight of a backup run learnt about the cluster it backs up.
 *
 * @param dataDir the data directory, absolute and checked to be the server's
 * @param sysid the system identifier
 * @param version {@code server_version_num}
 * @param segSize the WAL segment size in bytes
 * @param blockSize the page size in bytes
 * @param checksums whether page checksums are on
 * @param blocksPerSegment blocks per relation segment file
 * @param extraExcluded directories the backup leaves out besides the fixed list
 * @param standby whether the server is a standby
 */
record ClusterFacts(Path dataDir, long sysid, int version, long segSize, int blockSize, boolean checksums,
                    long blocksPerSegment, Set<String> extraExcluded, boolean standby) {
}

package io.walkeeper.core.repo;

/**
 * The repository's self-description, {@code walkeeper.json}: which format it uses and which
 * cluster it belongs to, so that WAL or backups of another cluster are never mixed in.
 *
 * @param formatVersion the repository format
 * @param systemIdentifier the cluster's system identifier (unsigned decimal)
 * @param pgVersionNum PostgreSQL's {@code server_version_num} when created, 0 if unknown
 * @param walSegmentSize the WAL segment size in bytes
 * @param created when the repository was first written (ISO 8601)
 */
public record RepositoryDescriptor(int formatVersion, String systemIdentifier, int pgVersionNum,
                                   long walSegmentSize, String created) {
}

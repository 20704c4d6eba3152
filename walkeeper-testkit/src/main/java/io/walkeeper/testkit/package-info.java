/**
 * What walkeeper's users and extenders reuse in their tests: contract suites that every storage
 * back end ({@link io.walkeeper.testkit.BlobStoreContractTest}), compression codec
 * ({@link io.walkeeper.testkit.CompressionCodecContractTest}) and encryption provider
 * ({@link io.walkeeper.testkit.EncryptionProviderContractTest}) must pass, the latter two over
 * the stream round trips of {@link io.walkeeper.testkit.StreamTransformContractTest}, an
 * {@link io.walkeeper.testkit.InMemoryBlobStore} for fast tests of logic, a
 * {@link io.walkeeper.testkit.FaultyBlobStore} that injects storage failures by schedule, and
 * synthetic PostgreSQL data (WAL segments, heap pages). The throw-away PostgreSQL cluster is in
 * {@code io.walkeeper.pgfixture} (module {@code walkeeper-pgfixture}), which this module brings
 * along.
 */
package io.walkeeper.testkit;

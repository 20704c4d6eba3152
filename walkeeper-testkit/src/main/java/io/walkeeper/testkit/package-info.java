/**
 * What walkeeper's users and extenders reuse in their tests: contract suites that every storage
 * back end ({@link io.walkeeper.testkit.BlobStoreContractTest}) and compression codec
 * ({@link io.walkeeper.testkit.CompressionCodecContractTest}) must pass, an
 * {@link io.walkeeper.testkit.InMemoryBlobStore} for fast tests of logic, a
 * {@link io.walkeeper.testkit.FaultyBlobStore} that injects storage failures by schedule, and fixtures that run a
 * throw-away PostgreSQL cluster.
 */
package io.walkeeper.testkit;

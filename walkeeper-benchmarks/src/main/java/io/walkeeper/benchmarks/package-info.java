/**
 * JMH benchmarks of walkeeper's compression codecs, and of OpenPGP encryption after zstd, on
 * samples of real PostgreSQL data. Run them with {@code scripts/bench-codecs.sh}, which makes the
 * samples from a pgbench cluster and prints a table, or directly with
 * {@code java -jar walkeeper-benchmarks/target/benchmarks.jar -p samples=DIR}.
 */
package io.walkeeper.benchmarks;

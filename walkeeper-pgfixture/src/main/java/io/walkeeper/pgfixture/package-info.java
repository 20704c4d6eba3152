/**
 * A throw-away PostgreSQL cluster for tests, demos and benchmarks:
 * {@link io.walkeeper.pgfixture.PgBinaries} finds the server binaries of the OS packages,
 * {@link io.walkeeper.pgfixture.PostgresCluster} runs {@code initdb}, {@code pg_ctl} and
 * {@code pgbench} (as the {@code postgres} OS user when this process is root, which PostgreSQL
 * refuses to run as), and {@link io.walkeeper.pgfixture.CommandRunner} runs the commands with
 * deadlines. Depends on no test framework, so that a shipped program (the CLI's {@code demo}) may
 * use it.
 */
package io.walkeeper.pgfixture;

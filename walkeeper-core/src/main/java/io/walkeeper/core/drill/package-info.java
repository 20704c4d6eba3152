/**
 * Restore drills: {@link io.walkeeper.core.drill.RestoreDrill} restores a backup into a temporary
 * directory, runs PostgreSQL on it in isolation ({@code DrillServer}: archiving off, no streaming,
 * reachable only through its own socket directory), measures recovery, runs the checks
 * ({@code DrillChecks}, {@code WalContinuity}) and removes everything; {@code DrillReports} keeps
 * the reports in the repository under {@code drills/}.
 */
package io.walkeeper.core.drill;

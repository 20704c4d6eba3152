/**
 * The {@code walkeeper} command-line tool: {@code wal-push}, {@code wal-fetch}, {@code wal-show},
 * {@code backup-push}, {@code backup-fetch}, {@code backup-list}, {@code backup-verify},
 * {@code backup-mark}, {@code backup-drill}, {@code delete}, {@code settings} and {@code demo}, with WAL-G's command names and flags. It is the only part of walkeeper that reads environment variables,
 * prints, and exits; it maps its settings onto {@code WalKeeper.builder()}
 * (see {@link io.walkeeper.cli.CliConfiguration}).
 *
 * <h2>Exit codes</h2>
 * <ul>
 *   <li>{@code 0} — success ({@code wal-push}: stored, or already archived with identical content)</li>
 *   <li>{@code 1} — unexpected internal failure ({@code INTERNAL}); the stack trace is logged at debug level</li>
 *   <li>{@code 2} — the command line could not be parsed ({@code USAGE}); usage is printed</li>
 *   <li>{@code 3} — configuration missing or malformed ({@code CONFIGURATION}); also the launcher's
 *       "jar not built"</li>
 *   <li>{@code 4} — not found ({@code NOT_FOUND}): for {@code wal-fetch}, the WAL file is not in the
 *       archive, which PostgreSQL expects at the end of recovery; for {@code backup-fetch}, no such backup</li>
 *   <li>{@code 5} — an object exists already with different content; nothing was overwritten ({@code ALREADY_EXISTS})</li>
 *   <li>{@code 6} — a stored object is corrupt, truncated or unreadable, e.g. a manifest that does not
 *       parse ({@code INTEGRITY})</li>
 *   <li>{@code 7} — the storage failed: I/O, network, permissions ({@code STORAGE})</li>
 *   <li>{@code 8} — PostgreSQL refused or is not in the expected state ({@code POSTGRES})</li>
 *   <li>{@code 9} — the request is invalid: a bad WAL name, a missing file, a directory that is not the
 *       server's or not empty ({@code INVALID_REQUEST})</li>
 *   <li>{@code 10} — conflict with another operation ({@code CONFLICT})</li>
 *   <li>{@code 11} — interrupted before it finished; nothing was committed ({@code INTERRUPTED})</li>
 *   <li>{@code 12}, {@code 13} — {@code wal-verify} only: a check warns, a check fails</li>
 *   <li>{@code 14} — {@code backup-drill} only: the drill ran and failed; its report names the cause</li>
 * </ul>
 * All codes stay within 1..125, which PostgreSQL reads as "not available" from a
 * {@code restore_command} and as "retry later" from an {@code archive_command}.
 */
package io.walkeeper.cli;

/**
 * OpenPGP encryption of stored objects with Bouncy Castle, readable and writable by GnuPG and
 * WAL-G. {@link io.walkeeper.crypto.OpenPgpProvider} ({@code openpgp}, extension {@code pgp}) is
 * found with {@link java.util.ServiceLoader}; its settings are described by
 * {@link io.walkeeper.crypto.OpenPgpSettings}. {@link io.walkeeper.crypto.OpenPgpKeys} creates
 * a key pair for a new repository.
 *
 * <p>Messages are written as one public-key encrypted session key per recipient followed by an
 * AES-256 integrity-protected data packet (SEIPD with a modification detection code) holding one
 * binary literal data packet, streamed in partial-length chunks. Nothing is compressed inside
 * the message: walkeeper compresses before it encrypts.
 *
 * <p>Integrity is only known at the end: a decrypting stream checks the modification detection
 * code when it reaches the end of the message and fails there with an
 * {@link java.io.IOException} if the ciphertext was modified or truncated. Callers must not trust
 * (for example, install) content before they have read the stream to its end without error.
 */
package io.walkeeper.crypto;

/**
 * Compression codecs found with {@link java.util.ServiceLoader}: {@link io.walkeeper.compress.Lz4Codec}
 * ({@code lz4}, LZ4 frame format), {@link io.walkeeper.compress.ZstdCodec} ({@code zstd}) and
 * {@link io.walkeeper.compress.NoneCodec} ({@code none}, identity). Every framed codec writes a
 * content checksum and fails with an {@link java.io.IOException} on truncated or corrupt input.
 */
package io.walkeeper.compress;

/**
 * Compression codecs found with {@link java.util.ServiceLoader}: {@link io.walkeeper.compress.Lz4Codec}
 * ({@code lz4}, LZ4 frame format), {@link io.walkeeper.compress.ZstdCodec} ({@code zstd}),
 * {@link io.walkeeper.compress.BrotliCodec} ({@code brotli}), {@link io.walkeeper.compress.XzCodec}
 * ({@code xz}) and {@link io.walkeeper.compress.NoneCodec} ({@code none}, identity). Every framed
 * codec fails with an {@link java.io.IOException} on truncated input; lz4, zstd and xz also check
 * a content checksum, while brotli's format has none (instead, the brotli codec decodes what it
 * writes while writing it, and fails rather than store a stream that does not decode).
 */
package io.walkeeper.compress;

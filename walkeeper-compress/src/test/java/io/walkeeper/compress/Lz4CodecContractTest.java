package io.walkeeper.compress;

import io.walkeeper.spi.CompressionCodec;
import io.walkeeper.testkit.CompressionCodecContractTest;

/** Runs the codec contract against {@link Lz4Codec}. */
class Lz4CodecContractTest extends CompressionCodecContractTest {

    @Override
    protected CompressionCodec codec() {
        return new Lz4Codec();
    }
}

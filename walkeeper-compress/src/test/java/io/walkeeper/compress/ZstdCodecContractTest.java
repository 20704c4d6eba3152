package io.walkeeper.compress;

import io.walkeeper.spi.CompressionCodec;
import io.walkeeper.testkit.CompressionCodecContractTest;

/** Runs the codec contract against {@link ZstdCodec}. */
class ZstdCodecContractTest extends CompressionCodecContractTest {

    @Override
    protected CompressionCodec codec() {
        return new ZstdCodec();
    }
}

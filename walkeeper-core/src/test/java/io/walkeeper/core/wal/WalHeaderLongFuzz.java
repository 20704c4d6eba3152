package io.walkeeper.core.wal;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;

/**
 * {@link WalHeaderFuzzTest} for 30 minutes: run with {@code ./mvnw -pl walkeeper-core test -Pfuzz-long}
 * (Jazzer fuzzes one {@code @FuzzTest} per class, so the long run has a class of its own).
 */
class WalHeaderLongFuzz {
    @FuzzTest(maxDuration = "30m")
    void fuzz(FuzzedDataProvider data) throws IOException {
        WalHeaderFuzzTest.theHeaderCheckAndThePushFailOnlyWithWalkeeperExceptions(data);
    }
}

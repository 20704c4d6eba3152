package io.walkeeper.core.restore;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * {@link ManifestFuzzTest} for 30 minutes: run with {@code ./mvnw -pl walkeeper-core test -Pfuzz-long}
 * (Jazzer fuzzes one {@code @FuzzTest} per class, so the long run has a class of its own).
 */
class ManifestLongFuzz {
    @FuzzTest(maxDuration = "30m")
    void fuzz(FuzzedDataProvider data) {
        ManifestFuzzTest.parseValidateAndPlan(data);
    }
}

package io.walkeeper.core.backup;

import io.walkeeper.core.backup.MtimeSkipRule.Verdict;
import io.walkeeper.core.repo.FileEntry;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** When a delta may record a relation file as unchanged without reading it, and every reason it may not. */
class MtimeSkipRuleTest {
    private static final Instant PARENT_START = Instant.parse("2026-03-01T10:00:00.250Z");
    private static final Instant BACKUP_START = Instant.parse("2026-03-01T11:00:00Z");
    private static final Instant OLD = Instant.parse("2026-03-01T09:00:00.123456789Z");
    private static final long SIZE = 40 * 8192;

    private static SourceFile file(long size, Instant mtime) {
        return new SourceFile("base/5/16384", Path.of("/nonexistent"), size, 0600, mtime, false);
    }

    private static FileEntry parent(long size, Instant mtime, FileEntry.Storage storage) {
        return FileEntry.file("base/5/16384").size(size).mode(0600).mtime(mtime).storage(storage)
                .part(storage == FileEntry.Storage.UNCHANGED ? null : "part_0001.tar").build();
    }

    private static Verdict judge(SourceFile f, FileEntry parent) {
        return MtimeSkipRule.judge(f, parent, PARENT_START, BACKUP_START);
    }

    @Test
    void sameSizeAndTimeWellBeforeTheParentsStartIsSkippedUnread() {
        assertEquals(Verdict.SKIP_UNREAD, judge(file(SIZE, OLD), parent(SIZE, OLD, FileEntry.Storage.DELTA)));
        assertEquals(Verdict.SKIP_UNREAD, judge(file(SIZE, OLD), parent(SIZE, OLD, FileEntry.Storage.WHOLE)));
    }

    @Test
    void aParentEntryItselfUnchangedFromTheGrandparentIsEnough() {
        assertEquals(Verdict.SKIP_UNREAD, judge(file(SIZE, OLD), parent(SIZE, OLD, FileEntry.Storage.UNCHANGED)));
    }

    @Test
    void modifiedInTheSameSecondAsTheParentsStartIsRead() {
        Instant sameSecond = Instant.parse("2026-03-01T10:00:00Z");
        assertEquals(Verdict.TOO_CLOSE_TO_PARENT_START, judge(file(SIZE, sameSecond), parent(SIZE, sameSecond, FileEntry.Storage.DELTA)));
        Instant justBefore = PARENT_START.minusMillis(1);
        assertEquals(Verdict.TOO_CLOSE_TO_PARENT_START, judge(file(SIZE, justBefore), parent(SIZE, justBefore, FileEntry.Storage.DELTA)));
    }

    @Test
    void theMarginIsExclusive() {
        Instant atMargin = PARENT_START.minus(MtimeSkipRule.MARGIN);
        assertEquals(Verdict.TOO_CLOSE_TO_PARENT_START, judge(file(SIZE, atMargin), parent(SIZE, atMargin, FileEntry.Storage.DELTA)));
        Instant beyond = atMargin.minusNanos(1);
        assertEquals(Verdict.SKIP_UNREAD, judge(file(SIZE, beyond), parent(SIZE, beyond, FileEntry.Storage.DELTA)));
    }

    @Test
    void modifiedAfterTheParentStartedIsRead() {
        Instant during = PARENT_START.plusSeconds(3);
        assertEquals(Verdict.TOO_CLOSE_TO_PARENT_START, judge(file(SIZE, during), parent(SIZE, during, FileEntry.Storage.DELTA)));
    }

    @Test
    void aModificationTimeInTheFutureIsRead() {
        Instant future = BACKUP_START.plusSeconds(3600);
        assertEquals(Verdict.MTIME_IN_FUTURE, judge(file(SIZE, future), parent(SIZE, future, FileEntry.Storage.DELTA)));
    }

    @Test
    void aParentThatStartedAfterThisBackupMeansTheClockWentBack() {
        assertEquals(Verdict.PARENT_NOT_EARLIER, MtimeSkipRule.judge(file(SIZE, OLD), parent(SIZE, OLD, FileEntry.Storage.DELTA),
                BACKUP_START.plusSeconds(60), BACKUP_START));
        assertEquals(Verdict.PARENT_NOT_EARLIER, MtimeSkipRule.judge(file(SIZE, OLD), parent(SIZE, OLD, FileEntry.Storage.DELTA),
                BACKUP_START, BACKUP_START));
    }

    @Test
    void aSizeChangeWithTheSameTimeIsRead() {
        assertEquals(Verdict.SIZE_CHANGED, judge(file(SIZE + 8192, OLD), parent(SIZE, OLD, FileEntry.Storage.DELTA)));
    }

    @Test
    void aShrunkOrTruncatedFileIsRead() {
        assertEquals(Verdict.SIZE_CHANGED, judge(file(SIZE - 8192, OLD), parent(SIZE, OLD, FileEntry.Storage.DELTA)));
        assertEquals(Verdict.SIZE_CHANGED, judge(file(0, OLD), parent(SIZE, OLD, FileEntry.Storage.DELTA)));
    }

    @Test
    void aDifferentTimeIsRead() {
        assertEquals(Verdict.MTIME_CHANGED, judge(file(SIZE, OLD.plusNanos(1)), parent(SIZE, OLD, FileEntry.Storage.DELTA)));
        assertEquals(Verdict.MTIME_CHANGED, judge(file(SIZE, OLD.minusSeconds(60)), parent(SIZE, OLD, FileEntry.Storage.DELTA)),
                "an older time than recorded is a change too (a file put back, a clock stepped back)");
    }

    @Test
    void aNewFileIsRead() {
        assertEquals(Verdict.NOT_IN_PARENT, judge(file(SIZE, OLD), null));
        assertEquals(Verdict.NOT_IN_PARENT, judge(file(SIZE, OLD), FileEntry.directory("base/5/16384", 0700, OLD)));
        assertEquals(Verdict.NOT_IN_PARENT, judge(file(SIZE, OLD), parent(SIZE, null, FileEntry.Storage.DELTA)));
        assertEquals(Verdict.NOT_IN_PARENT, MtimeSkipRule.judge(file(SIZE, OLD), parent(SIZE, OLD, FileEntry.Storage.DELTA),
                null, BACKUP_START));
    }
}

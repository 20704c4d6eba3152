package io.walkeeper.core.repo;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.walkeeper.api.IntegrityException;
import io.walkeeper.api.NotFoundException;
import io.walkeeper.api.StorageException;
import io.walkeeper.core.io.NonClosingOutputStream;
import io.walkeeper.spi.BlobInfo;
import io.walkeeper.spi.BlobStore;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Permanence set after a backup was taken: {@code backups/<name>.mark}, a small object replaced
 * on each change. A manifest is written once (and may be signed), so a later
 * {@code backup-mark} does not rewrite it: a mark, when present, overrides the manifest's
 * {@code permanent} flag. Retention deletes a backup's mark with it.
 */
public final class PermanenceMarks {
    /**
     * What a mark holds.
     *
     * @param permanent whether the backup is permanent
     * @param markedAt when the mark was set, ISO 8601 UTC
     */
    public record Mark(boolean permanent, String markedAt) {
    }

    private final BlobStore store;

    /**
     * Reads and writes the marks of a repository.
     *
     * @param repository the repository
     */
    public PermanenceMarks(Repository repository) {
        this.store = repository.store();
    }

    /**
     * Reads every mark.
     *
     * @return backup name to permanence
     * @throws IntegrityException if a mark cannot be read
     */
    public Map<String, Boolean> all() {
        List<String> names = new ArrayList<>();
        try (Stream<BlobInfo> s = store.list(RepositoryLayout.BACKUPS_PREFIX)) {
            s.forEach(b -> {
                String name = RepositoryLayout.backupNameOfMark(b.key());
                if (name != null) {
                    names.add(name);
                }
            });
        }
        Map<String, Boolean> out = new HashMap<>();
        for (String name : names) {
            read(name).ifPresent(permanent -> out.put(name, permanent));
        }
        return out;
    }

    /**
     * Reads one backup's mark.
     *
     * @param name the backup name
     * @return its permanence, or empty when it has no mark (the manifest decides)
     * @throws IntegrityException if the mark exists but cannot be read
     */
    public Optional<Boolean> read(String name) {
        String key = RepositoryLayout.markKey(name);
        try (InputStream in = store.get(key)) {
            return Optional.of(Json.MAPPER.readValue(in, Mark.class).permanent());
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (JsonProcessingException e) {
            throw new IntegrityException("Cannot read the permanence mark '" + key + "' in " + store.location() + ": "
                    + e.getOriginalMessage() + " (HINT: mark the backup again with backup-mark)", e);
        } catch (IOException e) {
            throw new StorageException("Cannot read '" + key + "' in " + store.location(), e);
        }
    }

    /**
     * Sets one backup's permanence, replacing an earlier mark.
     *
     * @param name the backup name
     * @param permanent the new permanence
     */
    public void write(String name, boolean permanent) {
        Mark mark = new Mark(permanent, Instant.now().toString());
        store.put(RepositoryLayout.markKey(name), out -> Json.MAPPER.writeValue(new NonClosingOutputStream(out), mark));
    }
}

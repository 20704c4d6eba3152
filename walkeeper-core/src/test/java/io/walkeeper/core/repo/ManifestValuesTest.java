package io.walkeeper.core.repo;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.walkeeper.api.IntegrityException;
import io.walkeeper.testkit.InMemoryBlobStore;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stored manifest whose typed values do not read (an LSN, a time, a kind, a timeline, a file
 * entry's type or storage) is a damaged manifest: the repository refuses it with an integrity
 * error that names the manifest and the field, never a raw parse exception, and leaves it out of
 * the list of backups.
 */
class ManifestValuesTest {
    private static final String NAME = "base_000000020000000000000009";
    private static final String KEY = RepositoryLayout.manifestKey(NAME);

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
        "startLsn          | zz/1",
        "stopLsn           | 0/123456789",
        "stopLsn           | -1",
        "kind              | PARTIAL",
        "kind              | full",
        "kind              | 0",
        "timeline          | 0",
        "timeline          | 4294967296",
        "timeline          | one",
        "startTime         | yesterday",
        "finishTime        | 2026-13-01T00:00:00Z",
        "files[2].type     | link",
        "files[3].storage  | compressed",
        "files[3].storage  | WHOLE",
        "files[3].mtime    | 2026-11-22",
        "files[2].copiedAt | now",
    })
    void aValueThatDoesNotReadIsAnIntegrityErrorNamingTheManifestAndField(String field, String value) throws Exception {
        byte[] json = altered(m -> {
            ObjectNode node = m;
            String name = field;
            if (field.startsWith("files[")) {
                node = (ObjectNode) m.get("files").get(Integer.parseInt(field.substring(6, field.indexOf(']'))));
                name = field.substring(field.indexOf('.') + 1);
            }
            if (name.equals("timeline") && value.matches("[0-9]+")) {
                node.put(name, Long.parseLong(value));
            } else {
                node.put(name, value);
            }
        });
        assertThrows(JacksonException.class, () -> Json.MAPPER.readValue(json, BackupManifest.class),
                "the parser refuses it as malformed JSON, the only failure the manifest fuzz test expects of it");
        Repository repo = repository(json);
        IntegrityException e = assertThrows(IntegrityException.class, () -> repo.readManifest(NAME));
        assertTrue(e.getMessage().contains("'" + KEY + "'") && e.getMessage().contains("field " + field + ":"),
                e.getMessage());
        IntegrityException trusted = assertThrows(IntegrityException.class, () -> repo.readTrustedManifest(NAME, true));
        assertTrue(trusted.getMessage().contains("'" + KEY + "'") && trusted.getMessage().contains("field " + field + ":"),
                trusted.getMessage());
        assertEquals(0, repo.manifests().size(), "a damaged manifest is left out of the list");
        assertEquals(0, repo.manifestSummaries().size(), "and out of the streamed list");
    }

    @ParameterizedTest
    @CsvSource({"timeline", "startTime", "kind", "startLsn"})
    void aMissingRequiredValueIsAnIncompleteManifest(String field) throws Exception {
        Repository repo = repository(altered(m -> m.remove(field)));
        IntegrityException e = assertThrows(IntegrityException.class, () -> repo.readManifest(NAME));
        assertTrue(e.getMessage().contains("'" + KEY + "' is incomplete"), e.getMessage());
    }

    private static byte[] altered(Consumer<ObjectNode> change) throws Exception {
        ObjectNode m = (ObjectNode) Json.MAPPER.readTree(ManifestGoldenTest.golden("delta-manifest.json"));
        change.accept(m);
        return Json.MAPPER.writeValueAsBytes(m);
    }

    private static Repository repository(byte[] manifest) {
        Repository repo = new Repository(new InMemoryBlobStore(),
                new ObjectFormat(Providers.codec("none").configure(Map.of()), null, null, Providers.codecs()));
        repo.store().put(KEY, out -> out.write(manifest));
        return repo;
    }
}

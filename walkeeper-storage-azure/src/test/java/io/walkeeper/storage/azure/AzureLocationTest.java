package io.walkeeper.storage.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walkeeper.api.ConfigurationException;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** Parsing of {@code azure://} and {@code https://ACCOUNT.blob.core.windows.net} locations; no network. */
class AzureLocationTest {

    @Test
    void azureSchemeNamesContainerAndPrefix() {
        AzureLocation l = AzureLocation.parse(URI.create("azure://pg-backups/cluster/main/"));
        assertEquals("pg-backups", l.container());
        assertEquals("cluster/main", l.prefix());
        assertNull(l.account());
        assertNull(l.endpoint());
        assertEquals("cluster/main/wal/000000010000000000000001", l.blobName("wal/000000010000000000000001"));
        assertEquals("cluster/main/".length(), l.rootLength());

        AzureLocation bare = AzureLocation.parse(URI.create("azure://pg-backups"));
        assertEquals("", bare.prefix());
        assertEquals("k", bare.blobName("k"));
        assertEquals(0, bare.rootLength());
        assertEquals("", AzureLocation.parse(URI.create("azure://pg-backups/")).prefix());
        assertEquals("$root", AzureLocation.parse(URI.create("azure://$root/p")).container());
    }

    @Test
    void httpsUrlNamesAccountContainerAndPrefix() {
        AzureLocation l = AzureLocation.parse(URI.create("https://MyAcct.blob.core.windows.net/backups/db/one"));
        assertEquals("myacct", l.account());
        assertEquals("https://myacct.blob.core.windows.net", l.endpoint());
        assertEquals("backups", l.container());
        assertEquals("db/one", l.prefix());

        AzureLocation noPrefix = AzureLocation.parse(URI.create("https://acct.blob.core.windows.net/backups"));
        assertEquals("backups", noPrefix.container());
        assertEquals("", noPrefix.prefix());

        AzureLocation privateLink = AzureLocation.parse(
                URI.create("https://acct.privatelink.blob.core.windows.net:8443/c01/p"));
        assertEquals("acct", privateLink.account());
        assertEquals("https://acct.privatelink.blob.core.windows.net:8443", privateLink.endpoint());

        assertEquals("gov", AzureLocation.parse(URI.create("https://gov.blob.core.usgovcloudapi.net/c01")).account());
        assertEquals("cn", AzureLocation.parse(URI.create("https://cn.blob.core.chinacloudapi.cn/c01")).account());
        assertEquals("a b", AzureLocation.parse(URI.create("https://acct.blob.core.windows.net/c01/a%20b")).prefix());
    }

    @Test
    void onlyAzureBlobHostsAreClaimed() {
        assertTrue(AzureLocation.isAzure(URI.create("azure://c/p")));
        assertTrue(AzureLocation.isAzure(URI.create("AZURE://c/p")));
        assertTrue(AzureLocation.isAzure(URI.create("https://acct.blob.core.windows.net/c")));
        assertTrue(AzureLocation.isAzure(URI.create("HTTPS://ACCT.BLOB.CORE.WINDOWS.NET/c")));
        assertFalse(AzureLocation.isAzure(URI.create("https://example.com/c")));
        assertFalse(AzureLocation.isAzure(URI.create("https://blob.core.windows.net.evil.example/c")));
        assertFalse(AzureLocation.isAzure(URI.create("https://.blob.core.windows.net/c")));
        assertFalse(AzureLocation.isAzure(URI.create("https://storage.googleapis.com/bucket")));
        assertFalse(AzureLocation.isAzure(URI.create("https://acct.dfs.core.windows.net/c")));
        assertFalse(AzureLocation.isAzure(URI.create("http://acct.blob.core.windows.net/c")));
        assertFalse(AzureLocation.isAzure(URI.create("s3://bucket/p")));
        assertFalse(AzureLocation.isAzure(URI.create("/relative/path")));
    }

    @Test
    void malformedLocationsAreRefusedWithTheExpectedForm() {
        for (String bad : new String[] {"azure:opaque", "azure:///p", "azure://Upper/p", "azure://ab/p",
                "azure://a--b/p", "azure://-ab/p", "azure://c01/a//b", "azure://c01/a/../b", "azure://c01/p?x=1",
                "azure://user@c1/p", "https://acct.blob.core.windows.net/", "https://acct.blob.core.windows.net",
                "https://acct.blob.core.windows.net/c01/p?sv=2020&sig=abc", "https://example.com/c01/p",
                "s3://bucket/p"}) {
            ConfigurationException e = assertThrows(ConfigurationException.class,
                    () -> AzureLocation.parse(URI.create(bad)), bad);
            assertTrue(e.getMessage().contains("Cannot open Azure storage at"), e.getMessage());
        }
        ConfigurationException sas = assertThrows(ConfigurationException.class, () -> AzureLocation.parse(
                URI.create("https://acct.blob.core.windows.net/c01/p?sv=2020&sig=abc")));
        assertTrue(sas.getMessage().contains(AzureSettings.SAS_TOKEN), sas.getMessage());
        ConfigurationException upper = assertThrows(ConfigurationException.class,
                () -> AzureLocation.parse(URI.create("azure://Upper/p")));
        assertTrue(upper.getMessage().contains("lower-case"), upper.getMessage());
    }
}

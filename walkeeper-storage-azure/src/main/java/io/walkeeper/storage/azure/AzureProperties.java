package io.walkeeper.storage.azure;

import static io.walkeeper.storage.azure.AzureSettings.ACCOUNT_KEY;
import static io.walkeeper.storage.azure.AzureSettings.ACCOUNT_NAME;
import static io.walkeeper.storage.azure.AzureSettings.BLOCK_SIZE;
import static io.walkeeper.storage.azure.AzureSettings.CONNECTION_STRING;
import static io.walkeeper.storage.azure.AzureSettings.ENDPOINT;
import static io.walkeeper.storage.azure.AzureSettings.SAS_TOKEN;
import static io.walkeeper.storage.azure.AzureSettings.UPLOAD_CONCURRENCY;

import io.walkeeper.api.ConfigurationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The {@link AzureSettings} of one store, parsed and checked once. {@link #toString()} leaves the
 * credentials out.
 *
 * @param connectionString the parsed connection string, or {@code null}
 * @param accountName the account name setting, or {@code null}
 * @param accountKey the account key, or {@code null}
 * @param sasToken the SAS token without leading {@code ?}, or {@code null}
 * @param endpoint the custom blob endpoint without trailing {@code /}, or {@code null}
 * @param blockSize the block size in bytes
 * @param uploadConcurrency blocks of one upload sent at once
 */
record AzureProperties(ConnectionString connectionString, String accountName, String accountKey, String sasToken,
        String endpoint, int blockSize, int uploadConcurrency) {

    /** Every key of the {@value AzureSettings#PREFIX} namespace. */
    static final Set<String> KEYS = Set.of(CONNECTION_STRING, ACCOUNT_NAME, ACCOUNT_KEY, SAS_TOKEN, ENDPOINT, BLOCK_SIZE,
            UPLOAD_CONCURRENCY);
    private static final Pattern ACCOUNT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,62}");

    /**
     * Parses {@code settings}: every key must be a known {@code azure.} key (storage-wide
     * {@code storage.*} keys are taken off before a provider sees the map).
     *
     * @param context what is being opened, for messages
     * @throws ConfigurationException naming the unknown key or the key whose value is malformed
     *     (never a secret's value)
     */
    static AzureProperties parse(String context, Map<String, String> settings) {
        Set<String> unknown = new TreeSet<>();
        for (String key : settings.keySet()) {
            if (!KEYS.contains(key) && !key.startsWith("storage.")) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new ConfigurationException("Cannot open " + context + ": unknown setting(s) " + unknown + " (known: "
                    + new TreeSet<>(KEYS) + ")");
        }
        Parser p = new Parser(context, settings);
        String cs = p.text(CONNECTION_STRING);
        ConnectionString connectionString = cs == null ? null : ConnectionString.parse(cs, context);

        String accountName = p.text(ACCOUNT_NAME);
        if (accountName != null && !ACCOUNT.matcher(accountName).matches()) {
            throw p.invalid(ACCOUNT_NAME, accountName, "a storage account name (letters and digits)");
        }
        String accountKey = p.text(ACCOUNT_KEY);
        if (accountKey != null && !isBase64(accountKey)) {
            throw new ConfigurationException("Cannot open " + context + ": setting " + ACCOUNT_KEY
                    + " is not base64; give one of the storage account's access keys as shown by Azure");
        }
        String sasToken = p.text(SAS_TOKEN);
        if (sasToken != null) {
            sasToken = sasToken.startsWith("?") ? sasToken.substring(1) : sasToken;
            if (!sasToken.contains("sig=")) {
                throw new ConfigurationException("Cannot open " + context + ": setting " + SAS_TOKEN
                        + " is not a SAS token (it has no sig= parameter); give the token's query string, "
                        + "such as sv=...&sp=racwdl&sig=...");
            }
        }
        if (accountKey != null && sasToken != null) {
            throw new ConfigurationException("Cannot open " + context + ": both " + ACCOUNT_KEY + " and " + SAS_TOKEN
                    + " are set; give one credential");
        }
        if (connectionString != null && connectionString.hasCredentials()) {
            boolean sameKey = accountKey != null && accountKey.equals(connectionString.accountKey());
            if ((accountKey != null && !sameKey) || sasToken != null) {
                throw new ConfigurationException("Cannot open " + context + ": " + CONNECTION_STRING
                        + " holds credentials, and " + (sasToken != null ? SAS_TOKEN : ACCOUNT_KEY)
                        + " is set too; give one credential");
            }
        }
        String endpoint = p.endpoint();
        int blockSize = p.integer(BLOCK_SIZE, AzureSettings.BLOCK_SIZE_DEFAULT, AzureSettings.BLOCK_SIZE_MIN,
                AzureSettings.BLOCK_SIZE_MAX);
        int concurrency = p.integer(UPLOAD_CONCURRENCY, AzureSettings.UPLOAD_CONCURRENCY_DEFAULT, 1,
                AzureSettings.UPLOAD_CONCURRENCY_MAX);
        return new AzureProperties(connectionString, accountName, accountKey, sasToken, endpoint, blockSize,
                concurrency);
    }

    @Override
    public String toString() {
        return "AzureProperties[connectionString=" + connectionString + ", accountName=" + accountName
                + ", accountKey=" + (accountKey == null ? "none" : "(set)") + ", sasToken="
                + (sasToken == null ? "none" : "(set)") + ", endpoint=" + endpoint + ", blockSize=" + blockSize
                + ", uploadConcurrency=" + uploadConcurrency + "]";
    }

    private static boolean isBase64(String s) {
        try {
            return Base64.getDecoder().decode(s).length > 0;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Reads single values, naming the key (never a secret's value) when one is malformed. */
    private record Parser(String context, Map<String, String> settings) {

        String text(String key) {
            String v = settings.get(key);
            return v == null || v.isBlank() ? null : v.trim();
        }

        int integer(String key, int fallback, int min, int max) {
            String v = text(key);
            if (v == null) {
                return fallback;
            }
            long n;
            try {
                n = Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw invalid(key, v, "a whole number of bytes between " + min + " and " + max);
            }
            if (n < min || n > max) {
                throw invalid(key, v, "a whole number between " + min + " and " + max);
            }
            return (int) n;
        }

        String endpoint() {
            String v = text(ENDPOINT);
            if (v == null) {
                return null;
            }
            String expected = "an http or https URL such as http://127.0.0.1:10000/devstoreaccount1";
            URI uri;
            try {
                uri = new URI(v);
            } catch (URISyntaxException e) {
                throw invalid(ENDPOINT, v, expected);
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw invalid(ENDPOINT, v, expected);
            }
            if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new ConfigurationException("Cannot open " + context + ": setting " + ENDPOINT
                        + " must be a URL without user information, query or fragment; give a SAS token as "
                        + SAS_TOKEN);
            }
            return ConnectionString.stripTrailingSlash(v);
        }

        ConfigurationException invalid(String key, String value, String expected) {
            return new ConfigurationException("Cannot open " + context + ": setting " + key + " is '"
                    + io.walkeeper.spi.Redaction.text(value)
                    + "', expected " + expected);
        }
    }
}

package io.walkeeper.storage.azure;

import static io.walkeeper.storage.azure.AzureSettings.ACCOUNT_KEY;
import static io.walkeeper.storage.azure.AzureSettings.ACCOUNT_NAME;
import static io.walkeeper.storage.azure.AzureSettings.BLOCK_SIZE;
import static io.walkeeper.storage.azure.AzureSettings.CONNECTION_STRING;
import static io.walkeeper.storage.azure.AzureSettings.ENDPOINT;
import static io.walkeeper.storage.azure.AzureSettings.SAS_TOKEN;
import static io.walkeeper.storage.azure.AzureSettings.UPLOAD_CONCURRENCY;

import io.walkeeper.api.ConfigurationException;
import io.walkeeper.spi.SettingsReader;
import java.util.Base64;
import java.util.Map;
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
        SettingsReader p = SettingsReader.of("Cannot open " + context, AzureSettings.DECLARED, settings, "storage.");
        String cs = p.text(CONNECTION_STRING).orElse(null);
        ConnectionString connectionString = cs == null ? null : ConnectionString.parse(cs, context);

        String accountName = p.text(ACCOUNT_NAME).orElse(null);
        if (accountName != null && !ACCOUNT.matcher(accountName).matches()) {
            throw p.invalid(ACCOUNT_NAME, "a storage account name (letters and digits)");
        }
        String accountKey = p.text(ACCOUNT_KEY).orElse(null);
        if (accountKey != null && !isBase64(accountKey)) {
            throw p.error("setting " + ACCOUNT_KEY + " is not base64; give one of the storage account's access keys "
                    + "as shown by Azure");
        }
        String sasToken = p.text(SAS_TOKEN).orElse(null);
        if (sasToken != null) {
            sasToken = sasToken.startsWith("?") ? sasToken.substring(1) : sasToken;
            if (!sasToken.contains("sig=")) {
                throw p.error("setting " + SAS_TOKEN + " is not a SAS token (it has no sig= parameter); give the token's "
                        + "query string, such as sv=...&sp=racwdl&sig=...");
            }
        }
        if (accountKey != null && sasToken != null) {
            throw p.error("both " + ACCOUNT_KEY + " and " + SAS_TOKEN + " are set; give one credential");
        }
        if (connectionString != null && connectionString.hasCredentials()) {
            boolean sameKey = accountKey != null && accountKey.equals(connectionString.accountKey());
            if ((accountKey != null && !sameKey) || sasToken != null) {
                throw p.error(CONNECTION_STRING + " holds credentials, and " + (sasToken != null ? SAS_TOKEN : ACCOUNT_KEY)
                        + " is set too; give one credential");
            }
        }
        String endpoint = p.text(ENDPOINT).map(ConnectionString::stripTrailingSlash).orElse(null);
        return new AzureProperties(connectionString, accountName, accountKey, sasToken, endpoint,
                p.integer(BLOCK_SIZE), p.integer(UPLOAD_CONCURRENCY));
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
}

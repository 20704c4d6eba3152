package io.walkeeper.storage.azure;

import io.walkeeper.api.ConfigurationException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The parts of an Azure Storage connection string ({@code Key=Value;Key=Value}) that this provider
 * looks at. Parsed only to check it and to learn its account and endpoint; a connection string
 * that carries credentials is handed to the SDK as it is. {@link #toString()} leaves secrets out.
 *
 * @param text the connection string as given
 * @param accountName {@code AccountName}, or {@code null}
 * @param blobEndpoint the blob endpoint it names or implies, without trailing {@code /}, or {@code null}
 * @param hasAccountKey whether it holds an {@code AccountKey}
 * @param accountKey the {@code AccountKey}, or {@code null}
 * @param hasSas whether it holds a {@code SharedAccessSignature}
 * @param developmentStorage whether it is {@code UseDevelopmentStorage=true} (Azurite's defaults)
 */
record ConnectionString(String text, String accountName, String blobEndpoint, boolean hasAccountKey,
        String accountKey, boolean hasSas, boolean developmentStorage) {

    /** The blob endpoint of {@code UseDevelopmentStorage=true}, as the SDK defines it. */
    static final String DEVELOPMENT_BLOB_ENDPOINT = "http://127.0.0.1:10000/devstoreaccount1";
    /** The account of {@code UseDevelopmentStorage=true}. */
    static final String DEVELOPMENT_ACCOUNT = "devstoreaccount1";

    /**
     * Parses a connection string.
     *
     * @param text the connection string
     * @param context what is being opened, for messages
     * @throws ConfigurationException naming {@link AzureSettings#CONNECTION_STRING} and what is wrong,
     *     never the string itself
     */
    static ConnectionString parse(String text, String context) {
        Map<String, String> parts = new LinkedHashMap<>();
        for (String part : text.split(";")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw invalid(context, "it has a part without 'Name=Value'");
            }
            parts.put(part.substring(0, eq).trim().toLowerCase(Locale.ROOT), part.substring(eq + 1).trim());
        }
        if (parts.isEmpty()) {
            throw invalid(context, "it is empty");
        }
        if ("true".equalsIgnoreCase(parts.get("usedevelopmentstorage"))) {
            return new ConnectionString(text, DEVELOPMENT_ACCOUNT, DEVELOPMENT_BLOB_ENDPOINT, true, null, false, true);
        }
        String account = blankToNull(parts.get("accountname"));
        String key = blankToNull(parts.get("accountkey"));
        boolean sas = blankToNull(parts.get("sharedaccesssignature")) != null;
        String endpoint = blankToNull(parts.get("blobendpoint"));
        if (endpoint != null) {
            endpoint = stripTrailingSlash(endpoint);
        } else if (account != null) {
            String protocol = parts.getOrDefault("defaultendpointsprotocol", "https").toLowerCase(Locale.ROOT);
            if (!protocol.equals("https") && !protocol.equals("http")) {
                throw invalid(context, "its DefaultEndpointsProtocol is neither https nor http");
            }
            String suffix = parts.getOrDefault("endpointsuffix", "core.windows.net");
            endpoint = protocol + "://" + account + ".blob." + suffix;
        }
        if (key != null && account == null) {
            throw invalid(context, "it has an AccountKey but no AccountName");
        }
        if (key != null && sas) {
            throw invalid(context, "it has both an AccountKey and a SharedAccessSignature; keep one");
        }
        if (endpoint == null) {
            throw invalid(context, "it names neither a BlobEndpoint nor an AccountName");
        }
        return new ConnectionString(text, account, endpoint, key != null, key, sas, false);
    }

    /** Tells whether the string holds credentials of its own (a key, a SAS, or Azurite's well-known key). */
    boolean hasCredentials() {
        return hasAccountKey || hasSas || developmentStorage;
    }

    @Override
    public String toString() {
        return "ConnectionString[account=" + accountName + ", blobEndpoint=" + blobEndpoint + ", credentials="
                + (developmentStorage ? "development storage" : hasAccountKey ? "account key" : hasSas ? "SAS" : "none")
                + "]";
    }

    static String stripTrailingSlash(String url) {
        String s = url;
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static ConfigurationException invalid(String context, String reason) {
        return new ConfigurationException("Cannot open " + context + ": setting " + AzureSettings.CONNECTION_STRING
                + " is not a valid Azure Storage connection string: " + reason
                + " (copy it from the storage account's 'Access keys' page)");
    }
}

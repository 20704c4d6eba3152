package io.walkeeper.storage.azure;

import io.walkeeper.api.ConfigurationException;
import io.walkeeper.spi.Redaction;
import io.walkeeper.api.InvalidRequestException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where a store lives, parsed from its URI: {@code azure://CONTAINER/PREFIX} (the account comes from
 * the settings) or {@code https://ACCOUNT.blob.core.windows.net/CONTAINER/PREFIX}.
 *
 * @param uri the URI as given
 * @param container the container name
 * @param prefix the key prefix of the store's root, without leading or trailing {@code /}, possibly empty
 * @param account the account an {@code https} URI names, or {@code null} for {@code azure://}
 * @param endpoint the blob endpoint an {@code https} URI names ({@code https://host[:port]}), or {@code null}
 */
record AzureLocation(URI uri, String container, String prefix, String account, String endpoint) {

    /** The scheme of locations whose account comes from the settings, {@value}. */
    static final String SCHEME = "azure";
    /** The scheme of locations that name the account in their host, {@value}. */
    static final String HTTPS = "https";
    /** Host name suffixes of Azure Blob endpoints (public cloud, China, US Government). */
    static final List<String> BLOB_HOST_SUFFIXES = List.of(".blob.core.windows.net", ".blob.core.chinacloudapi.cn",
            ".blob.core.usgovcloudapi.net");

    private static final Pattern CONTAINER = Pattern.compile("[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]|\\$root|\\$web");

    /**
     * Tells whether {@code uri} is an {@code azure:} URI, or an {@code https:} URI whose host is an
     * Azure Blob endpoint.
     */
    static boolean isAzure(URI uri) {
        String scheme = uri.getScheme();
        if (scheme == null) {
            return false;
        }
        scheme = scheme.toLowerCase(Locale.ROOT);
        if (scheme.equals(SCHEME)) {
            return true;
        }
        return scheme.equals(HTTPS) && isBlobHost(uri.getHost());
    }

    static boolean isBlobHost(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        return BLOB_HOST_SUFFIXES.stream().anyMatch(s -> h.endsWith(s) && h.length() > s.length());
    }

    /**
     * Parses a location.
     *
     * @throws ConfigurationException saying what is wrong and how to write it
     */
    static AzureLocation parse(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.isOpaque()) {
            throw invalid(uri, "it is not of the form scheme://container/prefix");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw invalid(uri, "it has a query or fragment; give a SAS token as setting " + AzureSettings.SAS_TOKEN
                    + ", never in the location");
        }
        if (uri.getRawUserInfo() != null) {
            throw invalid(uri, "it has user information; give credentials as settings");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        if (scheme.equals(SCHEME)) {
            String authority = uri.getRawAuthority();
            if (authority == null || authority.isEmpty()) {
                throw invalid(uri, "it names no container");
            }
            return new AzureLocation(uri, checkContainer(uri, authority), checkPrefix(uri, path), null, null);
        }
        if (scheme.equals(HTTPS) && isBlobHost(uri.getHost())) {
            String host = uri.getHost().toLowerCase(Locale.ROOT);
            String account = host.substring(0, host.indexOf('.'));
            String endpoint = HTTPS + "://" + host + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
            String rest = path.startsWith("/") ? path.substring(1) : path;
            int slash = rest.indexOf('/');
            String container = slash < 0 ? rest : rest.substring(0, slash);
            if (container.isEmpty()) {
                throw invalid(uri, "it names no container");
            }
            return new AzureLocation(uri, checkContainer(uri, container),
                    checkPrefix(uri, slash < 0 ? "" : rest.substring(slash)), account, endpoint);
        }
        throw invalid(uri, "its scheme is not 'azure', nor is it an https URL of an Azure Blob endpoint");
    }

    /** Returns the blob name of {@code key}: the prefix, a {@code /} and the key. */
    String blobName(String key) {
        return prefix.isEmpty() ? key : prefix + "/" + key;
    }

    /** Returns the length of what {@link #blobName} puts before a key. */
    int rootLength() {
        return prefix.isEmpty() ? 0 : prefix.length() + 1;
    }

    private static String checkContainer(URI uri, String name) {
        if (!CONTAINER.matcher(name).matches()) {
            throw invalid(uri, "'" + name + "' is not a valid container name (3 to 63 lower-case letters, digits and "
                    + "single hyphens, starting and ending with a letter or digit)");
        }
        return name;
    }

    private static String checkPrefix(URI uri, String path) {
        String p = path;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.isEmpty()) {
            return p;
        }
        try {
            AzureKeys.checkKey(p, 0);
        } catch (InvalidRequestException e) {
            throw new ConfigurationException("Cannot open Azure storage at " + uri + ": its path is not a valid prefix: "
                    + e.getMessage(), e);
        }
        return p;
    }

    private static ConfigurationException invalid(URI uri, String reason) {
        return new ConfigurationException("Cannot open Azure storage at " + Redaction.uri(uri) + ": " + reason
                + " (write it as azure://CONTAINER/PREFIX or https://ACCOUNT.blob.core.windows.net/CONTAINER/PREFIX)");
    }
}

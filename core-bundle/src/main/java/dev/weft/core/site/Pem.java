package dev.weft.core.site;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A private key and certificate chain from PEM files, as openssl, certbot and Twisted's
 * {@code server.pem} keep them, turned into the in-memory key store Jetty's TLS wants.
 */
final class Pem {
    static final String PASSWORD = "weft"; // of a store that only ever lives in memory
    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]*)-----END \\1-----");

    private Pem() {
    }

    /**
     * @throws IOException naming the file and what is wrong with it
     */
    static KeyStore keyStore(Path privateKey, Path certificate) throws IOException {
        List<Certificate> chain = new ArrayList<>();
        PrivateKey key = null;
        for (Path file : privateKey.equals(certificate) ? List.of(privateKey) : List.of(privateKey, certificate)) {
            Matcher m = BLOCK.matcher(Files.readString(file, StandardCharsets.US_ASCII));
            while (m.find()) {
                byte[] der = Base64.getMimeDecoder().decode(m.group(2));
                switch (m.group(1)) {
                    case "CERTIFICATE" -> chain.add(certificate(der, file));
                    case "PRIVATE KEY" -> key = file.equals(privateKey) ? key(der, file) : key;
                    case "RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY" -> throw new IOException(file + ": a "
                            + m.group(1).toLowerCase() + " needs converting to unencrypted PKCS#8: openssl pkcs8 -topk8 -nocrypt -in "
                            + file + " -out key.pem");
                    default -> { } // parameters and the like
                }
            }
        }
        if (key == null) throw new IOException(privateKey + ": no PEM private key (-----BEGIN PRIVATE KEY-----) in it");
        if (chain.isEmpty()) throw new IOException(certificate + ": no PEM certificate (-----BEGIN CERTIFICATE-----) in it");
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("weft", key, PASSWORD.toCharArray(), chain.toArray(Certificate[]::new));
            return store;
        } catch (GeneralSecurityException e) {
            throw new IOException(privateKey + " and " + certificate + ": " + e.getMessage(), e);
        }
    }

    private static Certificate certificate(byte[] der, Path file) throws IOException {
        try {
            return CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (GeneralSecurityException e) {
            throw new IOException(file + ": not an X.509 certificate: " + e.getMessage(), e);
        }
    }

    private static PrivateKey key(byte[] der, Path file) throws IOException {
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "Ed448"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IOException(file + ": a private key of no algorithm this server knows (RSA, EC, Ed25519, Ed448)");
    }
}

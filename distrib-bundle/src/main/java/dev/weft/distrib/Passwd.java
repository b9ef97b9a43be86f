package dev.weft.distrib;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The system's password database ({@code /etc/passwd}): user names and their homes. */
final class Passwd {
    private final Path file;

    Passwd(Path file) {
        this.file = file;
    }

    /** Name to home directory, in name order; read afresh each time so new users appear. */
    Map<String, Path> homes() {
        Map<String, Path> homes = new TreeMap<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.split(":", -1);
                if (f.length >= 7 && !f[0].isEmpty() && f[5].startsWith("/")) homes.put(f[0], Path.of(f[5]));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + file, e);
        }
        return homes;
    }

    Optional<Path> home(String user) {
        return Optional.ofNullable(homes().get(user));
    }
}

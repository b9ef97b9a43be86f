package dev.weft.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether this process may read its terminal: there is one, and we are its foreground job. */
final class Terminal {
    private Terminal() {}

    static boolean inForeground() {
        if (System.console() == null) return false;
        try { // Linux: /proc/self/stat has our process group (field 5) and the terminal's foreground group (field 8)
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return f[2].equals(f[5]);
        } catch (IOException | RuntimeException e) {
            return true; // no /proc: trust the console
        }
    }
}

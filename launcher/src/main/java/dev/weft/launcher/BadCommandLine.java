package dev.weft.launcher;

/** A command line Weft cannot run: reported as one line, exit code 2, no stack trace. */
final class BadCommandLine extends Exception {
    BadCommandLine(String message) {
        super(message, null, false, false);
    }
}

package dev.weft.core.api;

/** A file field of a {@code multipart/form-data} request body. */
public record Upload(String field, String filename, String contentType, byte[] content) {
}

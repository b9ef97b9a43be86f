package dev.weft.core.site;

import dev.weft.core.api.Upload;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.http.MultiPartFormData;
import org.eclipse.jetty.io.Content;

/** Reads form bodies (urlencoded and multipart) into request arguments, within size limits. */
final class Forms {
    static final int MAX_URLENCODED = 10 << 20;
    static final long MAX_MULTIPART = 64L << 20;

    private Forms() {
    }

    static void readBody(SiteRequest request, Map<String, List<String>> args) {
        String type = request.getHeader("Content-Type");
        if (type == null) return;
        String mime = type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        try {
            if (mime.equals("application/x-www-form-urlencoded")) {
                byte[] body = request.getContent().readNBytes(MAX_URLENCODED + 1);
                if (body.length > MAX_URLENCODED) throw tooLarge(MAX_URLENCODED);
                FormArgs.parse(new String(body, StandardCharsets.UTF_8), args);
                request.formBody(body, List.of());
            } else if (mime.equals("multipart/form-data")) {
                readMultipart(request, type, args);
            }
        } catch (IOException e) {
            throw new HttpError(400, "Bad Request", "The request body could not be read: " + e.getMessage());
        }
    }

    private static void readMultipart(SiteRequest request, String type, Map<String, List<String>> args) throws IOException {
        String boundary = MultiPart.extractBoundary(type);
        if (boundary == null) throw new HttpError(400, "Bad Request", "multipart/form-data without a boundary");
        MultiPartFormData.Parser parser = new MultiPartFormData.Parser(boundary);
        parser.setMaxLength(MAX_MULTIPART);
        parser.setMaxMemoryFileSize(MAX_MULTIPART);
        parser.setMaxParts(1000);
        List<Upload> uploads = new ArrayList<>();
        try (MultiPartFormData.Parts parts = parser.parse(request.jetty()).get()) {
            for (MultiPart.Part part : parts) {
                if (part.getFileName() == null) {
                    args.computeIfAbsent(part.getName(), k -> new ArrayList<>()).add(part.getContentAsString(StandardCharsets.UTF_8));
                } else {
                    String contentType = part.getHeaders().get("Content-Type");
                    byte[] bytes = org.eclipse.jetty.util.BufferUtil.toArray(Content.Source.asByteBuffer(part.createContentSource()));
                    uploads.add(new Upload(part.getName(), part.getFileName(), contentType, bytes));
                }
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String message = cause == null ? String.valueOf(e) : cause.getMessage();
            if (message != null && message.toLowerCase(Locale.ROOT).contains("max")) throw tooLarge(MAX_MULTIPART);
            throw new HttpError(400, "Bad Request", "Malformed multipart/form-data body: " + message);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HttpError(503, "Service Unavailable", "Interrupted while reading the body");
        }
        request.formBody(new byte[0], uploads);
    }

    private static HttpError tooLarge(long limit) {
        return new HttpError(413, "Content Too Large", "Form bodies are limited to " + (limit >> 20) + " MiB.");
    }
}

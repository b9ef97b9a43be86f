package dev.weft.bannerfish.store;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.junit.Test;

/** Uploads are judged by their content: real images pass with their size, anything else is refused saying why. */
public class ImagesTest {
    /** 3x2, lossless and lossy, as libwebp writes them. */
    public static final byte[] WEBP_LOSSLESS = Base64.getDecoder().decode("UklGRhwAAABXRUJQVlA4TA8AAAAvAkAAAAcQ/Y/+ByKi/wEA");
    public static final byte[] WEBP_LOSSY = Base64.getDecoder().decode(
            "UklGRjoAAABXRUJQVlA4IC4AAACwAQCdASoDAAIAAsBMJaACdAEO/gLsAP74Ryo/9tD//20P//bQ/6jvBskU5IAA");

    public static byte[] encode(String format, int width, int height) throws Exception {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, 0x1e6fd9);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(format, ImageIO.write(image, format, out));
        return out.toByteArray();
    }

    @Test
    public void realImagesPassWithTheirSize() throws Exception {
        assertEquals(new Images.Info("image/png", 468, 60), Images.inspect(encode("png", 468, 60)));
        assertEquals(new Images.Info("image/jpeg", 728, 90), Images.inspect(encode("jpeg", 728, 90)));
        assertEquals(new Images.Info("image/gif", 120, 600), Images.inspect(encode("gif", 120, 600)));
        assertEquals(new Images.Info("image/webp", 3, 2), Images.inspect(WEBP_LOSSLESS));
        assertEquals(new Images.Info("image/webp", 3, 2), Images.inspect(WEBP_LOSSY));
        assertEquals(new Images.Info("image/png", 1, 1), Images.inspect(StoreTest.PNG));
    }

    @Test
    public void svgIsRefusedWhateverItIsCalled() {
        byte[] svg = "\n  <?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>".getBytes(StandardCharsets.UTF_8);
        assertEquals("SVG images are refused (they can carry scripts): upload PNG, JPEG, GIF or WebP", refusal(svg));
    }

    @Test
    public void garbageIsRefusedEvenBehindARealSignature() throws Exception {
        byte[] png = encode("png", 468, 60);
        assertEquals("the image is not PNG, JPEG, GIF or WebP", refusal("just text".getBytes()));
        assertEquals("the image file is empty", refusal(new byte[0]));
        byte[] noise = new byte[3000];
        new java.util.Random(1).nextBytes(noise);
        byte[] pngThenNoise = Arrays.copyOf(png, 33 + noise.length); // the signature and a whole IHDR chunk
        System.arraycopy(noise, 0, pngThenNoise, 33, noise.length);
        assertEquals("the PNG image is damaged or incomplete", refusal(pngThenNoise));
        assertEquals("cut short", "the PNG image is damaged or incomplete", refusal(Arrays.copyOf(png, png.length - 10)));
        byte[] flipped = png.clone();
        flipped[png.length / 2] ^= 1;
        assertEquals("one bit changed: the CRC says so", "the PNG image is damaged or incomplete", refusal(flipped));
        byte[] jpeg = encode("jpeg", 100, 50);
        assertEquals("the JPEG image is damaged or incomplete", refusal(Arrays.copyOf(jpeg, 20)));
        assertEquals("no end of image", "the JPEG image is damaged or incomplete", refusal(Arrays.copyOf(jpeg, jpeg.length - 2)));
        byte[] gif = encode("gif", 10, 10);
        assertEquals("the GIF image is damaged or incomplete", refusal(Arrays.copyOf(gif, gif.length - 1)));
        assertEquals("the WebP image is damaged or incomplete", refusal(Arrays.copyOf(WEBP_LOSSY, WEBP_LOSSY.length - 4)));
        assertEquals("RIFF but a WAVE", "the image is not PNG, JPEG, GIF or WebP", refusal("RIFF\u0004\0\0\0WAVE".getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    public void tooLargeInBytesOrPixels() throws Exception {
        byte[] big = Arrays.copyOf(encode("png", 10, 10), Images.MAX_BYTES + 1);
        assertEquals("the image is larger than 2 MiB", refusal(big));
        assertEquals("the image is 4001x10 pixels; at most 4000 on each side", refusal(encode("png", 4001, 10)));
    }

    static String refusal(byte[] bytes) {
        return assertThrows(IllegalArgumentException.class, () -> Images.inspect(bytes)).getMessage();
    }
}

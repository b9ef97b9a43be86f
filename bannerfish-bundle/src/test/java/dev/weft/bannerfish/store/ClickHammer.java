package dev.weft.bannerfish.store;

import java.nio.file.Path;
import java.time.LocalDate;

/**
 * A process that counts clicks as fast as it can, printing each acknowledged total (KillTest
 * kills it). Its journal is compacted every hundred clicks or so, so kills land in compactions too.
 */
public final class ClickHammer {
    static final long COMPACT_AT = 4096;

    public static void main(String[] args) throws Exception {
        Store store = Store.open(Path.of(args[0]), COMPACT_AT);
        int id = store.banners().isEmpty() ? store.add(StoreTest.PNG, "https://a.example/", "a", 1, null, null).get().id() : store.banners().get(0).id();
        System.out.println("ready " + id);
        for (long n = 1; ; n++) {
            store.clicked(id, LocalDate.of(2026, 11, 24)).get();
            System.out.println("acked " + n);
        }
    }
}

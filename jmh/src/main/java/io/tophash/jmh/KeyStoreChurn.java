package io.tophash.jmh;

import io.tophash.BytesMap;
import io.tophash.ConcurrentBytesMap;
import io.tophash.MapStats;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How fragmented does the key store get under churn, and does growth give the space back? Not a
 * timing: a measurement of bytes. Each map is filled with {@code entries} tokens, then goes through
 * rounds that each remove a random tenth of its keys and insert as many new ones. Two key
 * streams: <b>stable</b> (every key 8-40 random letters and digits, the same distribution
 * throughout) and <b>drifting</b> (round r draws lengths 16 + r .. 40 + r, so freed blocks of the
 * old lengths no longer fit the new keys). After each round it records the live key bytes (the
 * 8-byte blocks of the keys longer than 15 bytes, computed from the keys themselves), the bytes
 * the key store holds ({@code keyStoreBytes()}), their ratio, and the whole map's bytes per entry.
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -cp jmh/target/benchmarks.jar io.tophash.jmh.KeyStoreChurn [entries] [rounds] [outDir]}.
 */
public final class KeyStoreChurn {

    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private KeyStoreChurn() {
    }

    /** One map's figures after one round. */
    record Row(String map, String keys, int round, long liveKeyBytes, long keyStoreBytes, double bytesPerEntry) {
        double storeOverLive() {
            return liveKeyBytes == 0 ? 0 : (double) keyStoreBytes / liveKeyBytes;
        }
    }

    /** The two maps as far as this measurement needs them. */
    interface Subject extends AutoCloseable {
        void put(String key, MemorySegment value);

        void remove(String key);

        long keyStoreBytes();

        MapStats stats();

        @Override
        void close();
    }

    public static void main(String[] args) throws IOException {
        int entries = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Path out = args.length > 2 ? Path.of(args[2]) : null;
        List<Row> rows = new ArrayList<>();
        for (String keys : List.of("stable", "drifting")) {
            for (String name : List.of("BytesMap", "ConcurrentBytesMap")) {
                try (Subject subject = open(name)) {
                    rows.addAll(churn(subject, name, keys, entries, rounds));
                }
            }
        }
        String table = markdown(rows, entries, rounds);
        System.out.println(table);
        if (out != null) {
            Files.createDirectories(out);
            Files.writeString(out.resolve("key-store-churn.md"), table);
        }
    }

    static Subject open(String name) {
        if (name.equals("BytesMap")) {
            BytesMap map = BytesMap.builder().valueSize(DeviceMap.RECORD).build();
            return new Subject() {
                public void put(String key, MemorySegment value) { map.put(key, value); }
                public void remove(String key) { map.remove(key); }
                public long keyStoreBytes() { return map.keyStoreBytes(); }
                public MapStats stats() { return map.stats(); }
                public void close() { map.close(); }
            };
        }
        ConcurrentBytesMap map = ConcurrentBytesMap.builder().valueSize(DeviceMap.RECORD).build();
        return new Subject() {
            public void put(String key, MemorySegment value) { map.put(key, value); }
            public void remove(String key) { map.remove(key); }
            public long keyStoreBytes() { return map.keyStoreBytes(); }
            public MapStats stats() { return map.stats(); }
            public void close() { map.close(); }
        };
    }

    static List<Row> churn(Subject map, String name, String keys, int entries, int rounds) {
        SplittableRandom random = new SplittableRandom(0x5EED);
        MemorySegment value = MemorySegment.ofArray(DeviceKeys.record(1));
        String[] live = new String[entries];
        long serial = 0;
        long liveBytes = 0;
        for (int i = 0; i < entries; i++) {
            live[i] = token(random, keys, 0, serial++);
            liveBytes += block(live[i]);
            map.put(live[i], value);
        }
        List<Row> rows = new ArrayList<>();
        rows.add(row(map, name, keys, 0, liveBytes, entries));
        for (int round = 1; round <= rounds; round++) {
            for (int n = 0; n < entries / 10; n++) {
                int victim = random.nextInt(entries);
                map.remove(live[victim]);
                liveBytes -= block(live[victim]);
                live[victim] = token(random, keys, round, serial++);
                liveBytes += block(live[victim]);
                map.put(live[victim], value);
            }
            rows.add(row(map, name, keys, round, liveBytes, entries));
        }
        return rows;
    }

    private static Row row(Subject map, String name, String keys, int round, long liveBytes, int entries) {
        long store = map.keyStoreBytes();
        MapStats stats = map.stats();
        return new Row(name, keys, round, liveBytes, store, (double) (stats.bytesReserved()) / entries);
    }

    /** Key-store bytes a key takes: none when it fits its slot (15 bytes or fewer), else its length rounded to 8. */
    static long block(String key) {
        int n = key.length(); // ASCII
        return n <= 15 ? 0 : (n + 7L) & -8L;
    }

    private static String token(SplittableRandom random, String keys, int round, long serial) {
        int min = keys.equals("stable") ? 8 : 16 + round;
        int length = min + random.nextInt(33);
        char[] token = new char[length];
        for (int j = 0; j < length; j++) {
            token[j] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        String suffix = Long.toString(serial, 36); // unique
        return new String(token, 0, Math.max(0, length - suffix.length())) + suffix;
    }

    static String markdown(List<Row> rows, int entries, int rounds) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "# Key store under churn: %,d entries, %d rounds of 10%% remove+insert%n%n",
                entries, rounds));
        sb.append(String.format(Locale.ROOT, "%s, JDK %s, %s; measured %s. Live key bytes are the 8-byte blocks of the"
                + " keys longer than 15 bytes; the store holds them, freed blocks and not yet used chunk space."
                + " Bytes per entry: all the map reserves (tables, overflow areas, key store) / entries.%n%n",
                System.getProperty("os.arch"), Runtime.version(), MachineFacts.cpuModel(), LocalDate.now()));
        sb.append("| map | keys | round | live key MiB | key store MiB | store / live | bytes per entry |\n");
        sb.append("|---|---|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            if (r.round() % 5 != 0 && r.round() != 1) {
                continue;
            }
            sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %.1f | %.1f | %.2f | %.0f |%n", r.map(), r.keys(),
                    r.round(), r.liveKeyBytes() / 1048576.0, r.keyStoreBytes() / 1048576.0, r.storeOverLive(),
                    r.bytesPerEntry()));
        }
        return sb.toString();
    }
}

import it.unimi.dsi.fastutil.longs.Long2LongOpenHashMap;
public class DriveF {
    public static void main(String[] a) {
        Long2LongOpenHashMap m = new Long2LongOpenHashMap(1000);
        long[] keys = new long[1000];
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        for (int i = 0; i < 1000; i++) { keys[i] = r.nextLong(); m.put(keys[i], i); }
        long s = 0;
        for (int round = 0; round < 30000; round++) for (int i = 0; i < 1000; i++) s += get(m, keys[i]);
        System.out.println(s);
    }
    static long get(Long2LongOpenHashMap m, long k) { return m.get(k); }
}

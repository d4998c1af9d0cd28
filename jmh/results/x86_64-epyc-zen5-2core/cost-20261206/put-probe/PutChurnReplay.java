package io.tophash;
public class PutChurnReplay {
  public static void main(String[] a) {
    int size = Integer.parseInt(a[0]); int batch = 1024; long batchesRun = Long.parseLong(a[1]);
    try (LongLongMap m = LongLongMap.builder().expectedSize(size + batch).build()) {
      java.util.SplittableRandom r = new java.util.SplittableRandom(1);
      for (int i = 0; i < size; i++) m.put(r.nextLong(), i);
      long[] fresh = new long[batch]; long putNs = 0, rmNs = 0; long n = 0; boolean grew = false;
      for (long b = 1; b <= batchesRun; b++) {
        for (int i = 0; i < batch; i++) fresh[i] = r.nextLong();
        long t0 = System.nanoTime();
        for (int i = 0; i < batch; i++) m.put(fresh[i], i);
        long t1 = System.nanoTime();
        grew |= m.growing();
        for (int i = 0; i < batch; i++) m.remove(fresh[i]);
        rmNs += System.nanoTime() - t1; putNs += t1 - t0; n += batch;
        if (Long.bitCount(b) == 1 && b >= 64) { MapStats s = m.stats(); System.out.printf("batches %d: put %.1f ns, remove %.1f ns, overflow %.3f of primaries, growth seen %b%n", b, (double) putNs / n, (double) rmNs / n, (double) s.overflowBucketCount() / s.bucketCount(), grew); putNs = rmNs = n = 0; grew = false; }
      }
    }
  }
}

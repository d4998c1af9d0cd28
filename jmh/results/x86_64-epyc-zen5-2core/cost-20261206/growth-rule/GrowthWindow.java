package io.tophash;
public class GrowthWindow {
  public static void main(String[] a) {
      double mid = 0, all = 0; long writes = 0; double worstRatio = 0; long old = 0; double sumRatio = 0; int growths = 0;
      try (LongLongMap m = LongLongMap.builder().build()) {
      java.util.SplittableRandom r = new java.util.SplittableRandom(Long.parseLong(a[0]));
      for (long i = 1; i <= 8_000_000; i++) {
        m.put(r.nextLong(), i);
        boolean g = m.growing();
        if (i >= 10_000) { all += 1.0 / i; if (g) mid += 1.0 / i; }
        if (g) { long ob = m.oldBucketCount(); if (ob != old) { if (old > 0) { sumRatio += (double) writes / old; growths++; } old = ob; writes = 0; } writes++; worstRatio = Math.max(worstRatio, (double) writes / ob); }
        else { if (old > 0) { sumRatio += (double) writes / old; growths++; } old = 0; writes = 0; }
      }
      }
      System.out.printf("LongLongMap 10K..8M: share of sizes (log scale) that end mid-growth %.3f; growth length mean %.3f, max %.3f x old buckets (%d growths)%n", mid / all, sumRatio / growths, worstRatio, growths);
  }
}

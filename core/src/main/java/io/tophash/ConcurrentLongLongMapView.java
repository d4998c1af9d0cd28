package io.tophash;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiConsumer;

/**
 * {@link ConcurrentLongLongMap#asMap()}: the map as a {@code ConcurrentMap<Long, Long>}. Every
 * method may be called from any thread. Package-private: callers see a {@link ConcurrentMap}.
 */
final class ConcurrentLongLongMapView extends AbstractMap<Long, Long> implements ConcurrentMap<Long, Long> {

    /*
     * Implementation notes.
     *
     * Each single-key method is one operation of the map: the long API where its answer is
     * unambiguous (containsKey, remove(k, v), replace(k, old, new)), else the map's boxed*
     * primitives, which learn whether the key was there in the same locked write or validated
     * read (the missing value may be stored, so it cannot say "absent" alone). ConcurrentMap's
     * default compute/merge methods loop over these, as on any ConcurrentMap.
     *
     * Iterators pull entries from a ConcurrentLongLongMap.Walk (one bucket chain at a time), and
     * remove or set through the map by key, as ConcurrentHashMap's do: nothing is locked between
     * calls, so nothing can fail as "concurrently modified".
     *
     * The file: single-key methods, whole-map methods, the collections, the iterator and entry.
     */

    private final ConcurrentLongLongMap map;
    private final Set<Long> keySet = new KeySet();
    private final Set<Map.Entry<Long, Long>> entrySet = new EntrySet();

    ConcurrentLongLongMapView(ConcurrentLongLongMap map) {
        this.map = map;
    }

    // ------------------------------------------------------------------------- single key

    @Override
    public boolean containsKey(Object key) {
        return Objects.requireNonNull(key, "key") instanceof Long k && map.containsKey(k);
    }

    @Override
    public Long get(Object key) {
        return Objects.requireNonNull(key, "key") instanceof Long k ? map.boxedGet(k) : null;
    }

    @Override
    public Long put(Long key, Long value) {
        return map.boxedPut(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
    }

    @Override
    public Long putIfAbsent(Long key, Long value) {
        return map.boxedPutIfAbsent(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
    }

    @Override
    public Long remove(Object key) {
        return Objects.requireNonNull(key, "key") instanceof Long k ? map.boxedRemove(k) : null;
    }

    /** As {@code ConcurrentHashMap}'s: a null key is refused, a null value matches nothing. */
    @Override
    public boolean remove(Object key, Object value) {
        return Objects.requireNonNull(key, "key") instanceof Long k && value instanceof Long v && map.remove(k, v);
    }

    @Override
    public boolean replace(Long key, Long oldValue, Long newValue) {
        return map.replace(Objects.requireNonNull(key, "key"), Objects.requireNonNull(oldValue, "oldValue"),
                Objects.requireNonNull(newValue, "newValue"));
    }

    @Override
    public Long replace(Long key, Long value) {
        return map.boxedReplace(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
    }

    // ------------------------------------------------------------------------- whole map

    /** The map's size (approximate while writers run), capped at {@link Integer#MAX_VALUE}. */
    @Override
    public int size() {
        return (int) Math.min(map.size(), Integer.MAX_VALUE);
    }

    @Override
    public boolean isEmpty() {
        return map.isEmpty();
    }

    /** {@link ConcurrentLongLongMap#clear()}: not atomic, as {@code ConcurrentHashMap.clear()}. */
    @Override
    public void clear() {
        map.clear();
    }

    /** The map's weakly consistent {@link ConcurrentLongLongMap#forEach}, boxing each entry. */
    @Override
    public void forEach(BiConsumer<? super Long, ? super Long> action) {
        Objects.requireNonNull(action, "action");
        map.forEach(action::accept);
    }

    @Override
    public boolean containsValue(Object value) {
        if (!(Objects.requireNonNull(value, "value") instanceof Long v)) {
            return false;
        }
        ConcurrentLongLongMap.Walk walk = map.new Walk();
        while (walk.next()) {
            if (walk.value() == v) {
                return true;
            }
        }
        return false;
    }

    /** {@link Map#hashCode()}'s sum of entry hash codes, without boxing; weakly consistent. */
    @Override
    public int hashCode() {
        int hash = 0;
        ConcurrentLongLongMap.Walk walk = map.new Walk();
        while (walk.next()) {
            hash += Long.hashCode(walk.key()) ^ Long.hashCode(walk.value());
        }
        return hash;
    }

    // ------------------------------------------------------------------------ collections

    @Override
    public Set<Long> keySet() {
        return keySet;
    }

    @Override
    public Set<Map.Entry<Long, Long>> entrySet() {
        return entrySet;
    }

    private final class KeySet extends AbstractSet<Long> {
        @Override
        public Iterator<Long> iterator() {
            EntryIterator entries = new EntryIterator();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return entries.hasNext();
                }

                @Override
                public Long next() {
                    return entries.next().getKey();
                }

                @Override
                public void remove() {
                    entries.remove();
                }
            };
        }

        @Override
        public int size() {
            return ConcurrentLongLongMapView.this.size();
        }

        @Override
        public boolean contains(Object o) {
            return containsKey(o);
        }

        @Override
        public boolean remove(Object o) {
            return ConcurrentLongLongMapView.this.remove(o) != null;
        }

        @Override
        public void clear() {
            ConcurrentLongLongMapView.this.clear();
        }
    }

    private final class EntrySet extends AbstractSet<Map.Entry<Long, Long>> {
        @Override
        public Iterator<Map.Entry<Long, Long>> iterator() {
            return new EntryIterator();
        }

        @Override
        public int size() {
            return ConcurrentLongLongMapView.this.size();
        }

        @Override
        public boolean contains(Object o) {
            if (o instanceof Map.Entry<?, ?> e && e.getKey() instanceof Long k && e.getValue() instanceof Long v) {
                Long present = map.boxedGet(k);
                return present != null && present.longValue() == v;
            }
            return false;
        }

        @Override
        public boolean remove(Object o) {
            return o instanceof Map.Entry<?, ?> e && e.getKey() instanceof Long k && e.getValue() instanceof Long v
                    && map.remove(k, v);
        }

        @Override
        public void clear() {
            ConcurrentLongLongMapView.this.clear();
        }
    }

    // ------------------------------------------------------------------ iterator and entry

    /** The entries of a weakly consistent walk; one entry read ahead for {@link #hasNext()}. */
    private final class EntryIterator implements Iterator<Map.Entry<Long, Long>> {
        private final ConcurrentLongLongMap.Walk walk = map.new Walk();
        private boolean ahead;
        private boolean hasAhead;
        /** The key of the entry last returned, for {@link #remove()}; valid while {@code canRemove}. */
        private long lastKey;
        private boolean canRemove;

        @Override
        public boolean hasNext() {
            if (!ahead) {
                hasAhead = walk.next();
                ahead = true;
            }
            return hasAhead;
        }

        @Override
        public Map.Entry<Long, Long> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            ahead = false;
            lastKey = walk.key();
            canRemove = true;
            return new Entry(lastKey, walk.value());
        }

        /** Removes the key of the entry last returned, whatever its value now (as ConcurrentHashMap's). */
        @Override
        public void remove() {
            if (!canRemove) {
                throw new IllegalStateException("next() has not returned an entry since the last remove()");
            }
            canRemove = false;
            map.remove(lastKey);
        }
    }

    /**
     * An entry as the iterator read it; {@code setValue} puts the key to the map (re-inserting it
     * if it was removed meanwhile) and returns the value this entry held, as
     * {@code ConcurrentHashMap}'s entries do.
     */
    private final class Entry implements Map.Entry<Long, Long> {
        private final long key;
        private long value;

        Entry(long key, long value) {
            this.key = key;
            this.value = value;
        }

        @Override
        public Long getKey() {
            return key;
        }

        @Override
        public Long getValue() {
            return value;
        }

        @Override
        public Long setValue(Long newValue) {
            long v = Objects.requireNonNull(newValue, "value");
            long previous = value;
            value = v;
            map.put(key, v);
            return previous;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Map.Entry<?, ?> e && e.getKey() instanceof Long k && k == key
                    && e.getValue() instanceof Long v && v == value;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(key) ^ Long.hashCode(value);
        }

        @Override
        public String toString() {
            return key + "=" + value;
        }
    }
}

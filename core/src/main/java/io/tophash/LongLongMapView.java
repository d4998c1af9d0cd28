package io.tophash;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * {@link LongLongMap#asMap()}: the map as a {@code java.util.Map<Long, Long>}, with its
 * threading rules. Package-private: callers see a {@link Map}.
 */
final class LongLongMapView extends AbstractMap<Long, Long> {

    /*
     * Implementation notes.
     *
     * Everything goes through LongLongMap's public API. Where the long API answers the missing
     * value for an absent key, the view must say null instead, and the missing value may also be
     * stored: put, putIfAbsent and remove tell by the size (the map has one writer, so a size that
     * changed across the call is the call's own insert or removal); get asks containsKey only when
     * it reads the missing value.
     *
     * Iterators walk a LongLongMap.Cursor, whose remove removes the entry it stands on. Looking
     * ahead for hasNext() would move it off the entry next() returned, so hasNext() counts
     * instead: the cursor returns exactly the entries there were when it was made. A size other
     * than that less the iterator's removals is a change from outside: next() says so at once,
     * as the cursor would only on its next step.
     *
     * put goes through LongLongMap.putInPlace: a present key's value is set where it is, without
     * the growth work a write owes, which would move entries under a walking iterator (and make
     * it throw), where java.util.Map's iterators outlive a put of a present key.
     *
     * The file: single-key methods, whole-map methods, the collections, the iterator and entry.
     */

    private final LongLongMap map;
    private final long missing;
    private Set<Long> keySet;
    private Set<Map.Entry<Long, Long>> entrySet;

    LongLongMapView(LongLongMap map) {
        this.map = map;
        this.missing = map.missingValue();
    }

    // ------------------------------------------------------------------------- single key

    @Override
    public boolean containsKey(Object key) {
        return Objects.requireNonNull(key, "key") instanceof Long k && map.containsKey(k);
    }

    @Override
    public Long get(Object key) {
        if (!(Objects.requireNonNull(key, "key") instanceof Long k)) {
            return null;
        }
        long value = map.getOrDefault(k, missing);
        return value != missing || map.containsKey(k) ? value : null;
    }

    @Override
    public Long put(Long key, Long value) {
        long k = Objects.requireNonNull(key, "key");
        long v = Objects.requireNonNull(value, "value");
        long sizeBefore = map.size();
        long previous = map.putInPlace(k, v);
        return map.size() == sizeBefore ? previous : null;
    }

    @Override
    public Long putIfAbsent(Long key, Long value) {
        long k = Objects.requireNonNull(key, "key");
        long v = Objects.requireNonNull(value, "value");
        if (map.containsKey(k)) { // a no-op must not do a write's growth work (open iterators would fail)
            return map.get(k);
        }
        map.put(k, v);
        return null;
    }

    @Override
    public Long remove(Object key) {
        if (!(Objects.requireNonNull(key, "key") instanceof Long k)) {
            return null;
        }
        if (!map.containsKey(k)) { // an absent key's removal must not do a write's growth work
            return null;
        }
        return map.remove(k);
    }

    /** Whether {@code key} maps to {@code value}. */
    private boolean containsEntry(long key, long value) {
        long present = map.getOrDefault(key, missing);
        return present == value && (present != missing || map.containsKey(key));
    }

    /** Whether {@code o} is an entry of two {@link Long}s present in the map. */
    private boolean containsEntry(Object o) {
        return o instanceof Map.Entry<?, ?> e && e.getKey() instanceof Long k && e.getValue() instanceof Long v
                && containsEntry(k, v);
    }

    // ------------------------------------------------------------------------- whole map

    @Override
    public int size() {
        return (int) Math.min(map.size(), Integer.MAX_VALUE);
    }

    @Override
    public boolean isEmpty() {
        return map.isEmpty();
    }

    @Override
    public void clear() {
        map.clear();
    }

    @Override
    public boolean containsValue(Object value) {
        if (!(Objects.requireNonNull(value, "value") instanceof Long v)) {
            return false;
        }
        LongLongMap.Cursor cursor = map.cursor();
        while (cursor.next()) {
            if (cursor.value() == v) {
                return true;
            }
        }
        return false;
    }

    /** {@link Map#hashCode()}'s sum of entry hash codes, without boxing. */
    @Override
    public int hashCode() {
        int hash = 0;
        LongLongMap.Cursor cursor = map.cursor();
        while (cursor.next()) {
            hash += Long.hashCode(cursor.key()) ^ Long.hashCode(cursor.value());
        }
        return hash;
    }

    // ------------------------------------------------------------------------ collections

    @Override
    public Set<Long> keySet() {
        Set<Long> keys = keySet;
        if (keys == null) {
            keySet = keys = new KeySet();
        }
        return keys;
    }

    @Override
    public Set<Map.Entry<Long, Long>> entrySet() {
        Set<Map.Entry<Long, Long>> entries = entrySet;
        if (entries == null) {
            entrySet = entries = new EntrySet();
        }
        return entries;
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
            return LongLongMapView.this.size();
        }

        @Override
        public boolean contains(Object o) {
            return containsKey(o);
        }

        @Override
        public boolean remove(Object o) {
            if (!(Objects.requireNonNull(o, "key") instanceof Long k)) {
                return false;
            }
            if (!map.containsKey(k)) {
                return false;
            }
            map.remove(k);
            return true;
        }

        @Override
        public void clear() {
            map.clear();
        }
    }

    private final class EntrySet extends AbstractSet<Map.Entry<Long, Long>> {
        @Override
        public Iterator<Map.Entry<Long, Long>> iterator() {
            return new EntryIterator();
        }

        @Override
        public int size() {
            return LongLongMapView.this.size();
        }

        @Override
        public boolean contains(Object o) {
            return containsEntry(o);
        }

        @Override
        public boolean remove(Object o) {
            if (o instanceof Map.Entry<?, ?> e && e.getKey() instanceof Long k && e.getValue() instanceof Long v
                    && containsEntry(k, v)) {
                map.remove(k);
                return true;
            }
            return false;
        }

        @Override
        public void clear() {
            map.clear();
        }
    }

    // ------------------------------------------------------------------ iterator and entry

    /** The entries, over a cursor; fail-fast as the cursor is. */
    private final class EntryIterator implements Iterator<Map.Entry<Long, Long>> {
        private final LongLongMap.Cursor cursor = map.cursor();
        /** The entries there were when the walk began: the cursor will return exactly these. */
        private final long total = map.size();
        /** Entries returned by {@link #next()}, and of those, removed through {@link #remove()}. */
        private long returned;
        private long removed;
        /** The entry the cursor stands on (the last returned, not removed), or null. */
        private Entry current;

        @Override
        public boolean hasNext() {
            return returned < total;
        }

        @Override
        public Map.Entry<Long, Long> next() {
            if (map.size() != total - removed) {
                // the cursor tells on the next step, but the last step may not come (after a clear(), say)
                throw new ConcurrentModificationException("the map was changed outside this iterator");
            }
            if (!hasNext()) {
                // before the cursor moves: remove() must still remove the entry last returned
                throw new NoSuchElementException();
            }
            if (!cursor.next()) {
                throw new ConcurrentModificationException("the map was changed outside this iterator");
            }
            returned++;
            current = new Entry(cursor.key(), cursor.value(), this);
            return current;
        }

        @Override
        public void remove() {
            cursor.remove();
            removed++;
            current = null;
        }
    }

    /**
     * An entry as the iterator read it. {@code setValue} writes through: through the cursor while
     * the iterator still stands on this entry, else as a {@code put} of a key still present (in
     * place, so no iteration is disturbed); on an entry whose key is gone it throws
     * {@link IllegalStateException}.
     */
    private final class Entry implements Map.Entry<Long, Long> {
        private final long key;
        private long value;
        private final EntryIterator iterator;

        Entry(long key, long value, EntryIterator iterator) {
            this.key = key;
            this.value = value;
            this.iterator = iterator;
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
            long previous;
            if (iterator.current == this) {
                previous = iterator.cursor.value();
                iterator.cursor.setValue(v);
            } else {
                if (!map.containsKey(key)) {
                    throw new IllegalStateException("the entry of key " + key + " was removed from the map");
                }
                previous = map.putInPlace(key, v);
            }
            value = v;
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

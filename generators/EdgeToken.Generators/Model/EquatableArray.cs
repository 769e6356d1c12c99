using System;
using System.Collections;
using System.Collections.Generic;

namespace EdgeToken.Generators.Model
{
    /// <summary>An immutable array compared by its elements, so models that hold arrays compare by value and
    /// the incremental pipeline can tell an unchanged model from a changed one.</summary>
    internal readonly struct EquatableArray<T> : IEquatable<EquatableArray<T>>, IEnumerable<T> where T : IEquatable<T>
    {
        private readonly T[]? _items;

        public EquatableArray(T[] items) => _items = items;

        public static readonly EquatableArray<T> Empty = new EquatableArray<T>(new T[0]);

        public int Count => _items?.Length ?? 0;
        public T this[int index] => _items![index];

        public bool Equals(EquatableArray<T> other)
        {
            var a = _items ?? new T[0];
            var b = other._items ?? new T[0];
            if (a.Length != b.Length) return false;
            var comparer = EqualityComparer<T>.Default;
            for (int i = 0; i < a.Length; i++)
                if (!comparer.Equals(a[i], b[i])) return false;
            return true;
        }

        public override bool Equals(object? obj) => obj is EquatableArray<T> other && Equals(other);

        public override int GetHashCode()
        {
            unchecked
            {
                int hash = 17;
                // Hashing every byte of a large weight array would cost as much as comparing it; a sample suffices.
                var items = _items ?? new T[0];
                int step = Math.Max(1, items.Length / 64);
                for (int i = 0; i < items.Length; i += step) hash = hash * 31 + (items[i]?.GetHashCode() ?? 0);
                return hash * 31 + items.Length;
            }
        }

        public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)(_items ?? new T[0])).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public static bool operator ==(EquatableArray<T> left, EquatableArray<T> right) => left.Equals(right);

        public static bool operator !=(EquatableArray<T> left, EquatableArray<T> right) => !left.Equals(right);
    }
}

"""Longest-prefix match over one card revision, compiled once and then only read.

One dict maps every prefix to its row, and a tuple holds the prefix lengths present, longest
first. A lookup tries at most one dict probe per distinct length (a 100,000-prefix card has about a
dozen), each a hash of a short string. `bench/route_lookup.py` measures this against one dict per
length: on this machine the two are within measurement noise of each other, so the simpler
single dict is kept.
"""

from collections.abc import Iterable, Mapping
from typing import Generic, TypeVar

Row = TypeVar("Row")


class PrefixIndex(Generic[Row]):
    __slots__ = ("_lengths", "_rows")

    def __init__(self, rows: Iterable[tuple[str, Row]] | Mapping[str, Row]):
        items = rows.items() if isinstance(rows, Mapping) else rows
        self._rows: dict[str, Row] = dict(items)
        self._lengths: tuple[int, ...] = tuple(sorted({len(p) for p in self._rows}, reverse=True))

    def __len__(self) -> int:
        return len(self._rows)

    def longest(self, number: str) -> tuple[str, Row] | None:
        """(prefix, row) of the longest prefix of `number` in the index, or None."""
        rows = self._rows
        size = len(number)
        for length in self._lengths:
            if length <= size:
                prefix = number[:length]
                row = rows.get(prefix)
                if row is not None:
                    return prefix, row
        return None

    def get(self, prefix: str) -> Row | None:
        return self._rows.get(prefix)


class PerLengthIndex(Generic[Row]):
    """The alternative layout (one dict per prefix length), kept for the benchmark's comparison."""

    __slots__ = ("_tables",)

    def __init__(self, rows: Iterable[tuple[str, Row]]):
        tables: dict[int, dict[str, Row]] = {}
        for prefix, row in rows:
            tables.setdefault(len(prefix), {})[prefix] = row
        self._tables = tuple(sorted(tables.items(), reverse=True))

    def longest(self, number: str) -> tuple[str, Row] | None:
        size = len(number)
        for length, table in self._tables:
            if length <= size:
                prefix = number[:length]
                row = table.get(prefix)
                if row is not None:
                    return prefix, row
        return None

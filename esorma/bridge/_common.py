"""Small helpers shared by the bridge's result classes."""

from __future__ import annotations


def as_tuples(value):
    """``value`` with every list (at any depth) turned into a tuple.

    Result files store nested tuples of plain values as JSON, which reads back as lists; the
    result classes call this in ``__post_init__`` so that a loaded result equals the saved one.
    """
    if isinstance(value, (list, tuple)):
        return tuple(as_tuples(v) for v in value)
    return value

"""Compact printing of result dataclasses.

A result holds arrays that can have millions of entries; printing one must show what it is
(shapes, dtypes, the key numbers), never every entry. :func:`summarized` gives a dataclass
that ``__repr__``; every result class of esorma uses it (a test walks the package to check).

Examples
--------
>>> from dataclasses import dataclass
>>> import numpy as np
>>> @summarized
... @dataclass(frozen=True)
... class Demo:
...     states: np.ndarray
...     energy: float
...     method: str
>>> Demo(np.ones((1000, 40), np.int8), -0.7634127, "exact")
Demo(states=int8[1000, 40], energy=-0.763413, method='exact')
"""

from __future__ import annotations

import dataclasses
import numbers

import numpy as np

__all__ = ["summarized", "compact_repr", "describe_value"]

#: Arrays with at most this many entries are shown in full.
_INLINE_SIZE = 6
#: A repr longer than this puts one field per line.
_ONE_LINE = 100


def _describe_array(a: np.ndarray) -> str:
    shape = ", ".join(str(s) for s in a.shape)
    head = f"{a.dtype}[{shape}]"
    if a.size == 0:
        return head
    if a.size <= _INLINE_SIZE and a.dtype.kind in "biufcU" and a.ndim <= 1:
        text = np.array2string(a, precision=6, separator=", ", max_line_width=10**6)
        if len(text) <= 60:
            return text
    if a.dtype.kind == "f" and a.size <= 10**7:
        finite = a[np.isfinite(a)]
        if finite.size:
            return f"{head} in [{finite.min():.6g}, {finite.max():.6g}]"
    return head


def describe_value(value, depth: int = 0) -> str:
    """A short text for one field value (arrays by dtype, shape and range)."""
    if isinstance(value, np.ndarray):
        return _describe_array(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if depth >= 1:
            return f"{type(value).__name__}(…)"
        return compact_repr(value, depth + 1)
    if isinstance(value, (bool, np.bool_)):
        return repr(bool(value))
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return f"{float(value):.6g}"
    if isinstance(value, numbers.Complex):
        return f"{complex(value):.6g}"
    if isinstance(value, str):
        return repr(value) if len(value) <= 60 else repr(value[:57] + "...")
    if isinstance(value, (list, tuple)):
        open_, close = ("[", "]") if isinstance(value, list) else ("(", ")")
        if len(value) <= 4:
            inner = ", ".join(describe_value(v, depth + 1) for v in value)
            if len(inner) <= 80:
                return open_ + inner + ("," if isinstance(value, tuple) and len(value) == 1
                                        else "") + close
        kinds = sorted({type(v).__name__ for v in value})
        return f"{type(value).__name__}[{len(value)} × {'|'.join(kinds)}]"
    if isinstance(value, dict):
        keys = list(value)
        shown = ", ".join(map(str, keys[:5])) + (", …" if len(keys) > 5 else "")
        return f"dict[{len(keys)}: {shown}]"
    text = repr(value)
    return text if len(text) <= 60 else f"<{type(value).__name__}>"


def compact_repr(obj, depth: int = 0) -> str:
    """``Class(field=summary, ...)`` with arrays summarised; one field per line when long."""
    parts = [f"{f.name}={describe_value(getattr(obj, f.name), depth)}"
             for f in dataclasses.fields(obj) if f.repr]
    name = type(obj).__name__
    one = f"{name}({', '.join(parts)})"
    if len(one) <= _ONE_LINE or depth > 0:
        return one
    return name + "(\n" + "".join(f"    {p},\n" for p in parts) + ")"


def _repr(self) -> str:
    return compact_repr(self)


def summarized(cls):
    """Class decorator: give a dataclass the compact ``__repr__`` of :func:`compact_repr`.

    A dataclass declared with ``repr=False`` that defines its own ``__repr__`` keeps it.
    """
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"summarized expects a dataclass; got {cls!r}")
    if not cls.__dataclass_params__.repr and "__repr__" in cls.__dict__:
        return cls  # the class wrote its own summary
    cls.__repr__ = _repr
    return cls

"""Input validation and random-state helpers shared by the public API.

Every public function validates with these helpers so that errors read the same everywhere:
``<argument> must be <what is allowed>; got <what was given>``.
"""

from __future__ import annotations

import numbers
import os

import numpy as np

__all__ = [
    "as_rng",
    "spawn_seeds",
    "check_int",
    "check_real",
    "check_probability",
    "check_spins",
    "check_patterns",
    "check_couplings",
    "check_thresholds",
    "check_choice",
    "check_bool",
    "check_not_masked",
    "check_finite_array",
    "check_integer_row_sums",
    "abs_row_sums",
    "available_memory_bytes",
    "check_memory",
    "format_bytes",
    "format_seconds",
    "check_seconds",
    "parse_values",
]


def as_rng(rng=None) -> np.random.Generator:
    """Resolve ``rng`` (None, int seed, SeedSequence or Generator) to a Generator (SPEC 7)."""
    if isinstance(rng, np.random.RandomState):
        raise TypeError(
            "rng must be None, an int seed, a SeedSequence or a numpy.random.Generator; "
            "got a legacy RandomState (use numpy.random.default_rng instead)"
        )
    if isinstance(rng, (bool, np.bool_)):
        raise TypeError(f"rng must be None, an int seed or a numpy.random.Generator; got {rng!r}")
    try:
        return np.random.default_rng(rng)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"rng must be None, a non-negative int seed, a SeedSequence or a "
            f"numpy.random.Generator; got {rng!r}"
        ) from exc


def spawn_seeds(rng: np.random.Generator, n: int) -> np.ndarray:
    """Draw ``n`` independent 63-bit seeds for compiled kernels (one per chain or start).

    Kernels seed their own generator per chain from these values, so results do not depend
    on how many threads run the chains.
    """
    return rng.integers(0, 2**63 - 1, size=n, dtype=np.int64)


def check_int(value, name: str, *, minimum=None, maximum=None) -> int:
    """Return ``value`` as a Python int, or raise naming ``name`` and the allowed range."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be an integer, not a boolean; got {value!r}")
    if not isinstance(value, numbers.Integral):
        if isinstance(value, numbers.Real) and _is_integral_float(value):
            value = int(value)
        else:
            raise TypeError(f"{name} must be an integer; got {value!r}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}{_upper(maximum)}; got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}; got {value}")
    return value


def _is_integral_float(value) -> bool:
    try:
        return float(value).is_integer()
    except (OverflowError, ValueError):  # huge Fractions and the like
        return False


def _upper(maximum):
    return f" and <= {maximum}" if maximum is not None else ""


def check_real(
    value,
    name: str,
    *,
    minimum=None,
    maximum=None,
    strict_min: bool = False,
    strict_max: bool = False,
) -> float:
    """Return ``value`` as a finite float within the given bounds, or raise naming ``name``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {value!r}")
    try:
        value = float(value)
    except OverflowError:  # an int beyond the float range (10**400)
        raise ValueError(f"{name} must be finite; got an integer of {value.bit_length()} bits"
                         ) from None
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value}")
    lo = "" if minimum is None else (f"> {minimum}" if strict_min else f">= {minimum}")
    hi = "" if maximum is None else (f"< {maximum}" if strict_max else f"<= {maximum}")
    allowed = " and ".join(x for x in (lo, hi) if x)
    if minimum is not None and (value <= minimum if strict_min else value < minimum):
        raise ValueError(f"{name} must be {allowed}; got {value}")
    if maximum is not None and (value >= maximum if strict_max else value > maximum):
        raise ValueError(f"{name} must be {allowed}; got {value}")
    return value


def check_probability(value, name: str) -> float:
    """A real number in [0, 1]."""
    return check_real(value, name, minimum=0.0, maximum=1.0)


def check_bool(value, name: str) -> bool:
    """``value`` must be True or False (Python or NumPy bool); returns a Python bool."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise TypeError(f"{name} must be True or False; got {value!r} ({type(value).__name__})")


def check_choice(value, name: str, allowed) -> str:
    """``value`` must be one of ``allowed`` (strings)."""
    allowed = tuple(allowed)
    # Compare only values of the allowed values' types: ``value in allowed`` with an array
    # would compare element-wise and fail with NumPy's "truth value is ambiguous".
    if not any(isinstance(value, type(a)) and value == a for a in allowed):
        raise ValueError(f"{name} must be one of {', '.join(map(repr, allowed))}; got {value!r}")
    return value


def check_not_masked(x, name: str) -> None:
    """Refuse a NumPy masked array (its masked entries would silently be used as numbers)."""
    if isinstance(x, np.ma.MaskedArray):
        raise TypeError(
            f"{name} must be a plain array, not a numpy masked array (masked entries would be "
            f"used as ordinary numbers); fill or drop them first (e.g. {name}.filled(...) or "
            f"{name}.compressed())"
        )


def check_finite_array(x, name: str, *, ndim=None, allow_empty: bool = True) -> np.ndarray:
    """A real float64 array with only finite entries (NaN/inf refused, naming ``name``).

    ``ndim`` (an int or a tuple of ints) restricts the number of dimensions.
    """
    check_not_masked(x, name)
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError) as exc:  # ragged nested sequences
        raise ValueError(f"{name} must be a rectangular numeric array; got {exc}") from None
    if arr.dtype == np.bool_ or not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
    ):
        raise TypeError(f"{name} must be a real numeric array; got dtype {arr.dtype}")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            dims = " or ".join(str(d) for d in allowed)
            raise ValueError(f"{name} must have {dims} dimension(s); got shape {arr.shape}")
    if not allow_empty and arr.size == 0:
        raise ValueError(f"{name} must not be empty; got shape {arr.shape}")
    arr = arr.astype(np.float64, copy=False)
    if not np.all(np.isfinite(arr)):
        bad = int(np.count_nonzero(~np.isfinite(arr)))
        raise ValueError(f"{name} must be finite; found {bad} NaN or inf entries")
    return arr


def _as_array(x, name: str) -> np.ndarray:
    check_not_masked(x, name)
    try:
        return np.asarray(x)
    except (ValueError, TypeError) as exc:  # ragged nested sequences
        raise ValueError(f"{name} must be a rectangular numeric array; got {exc}") from None


def _as_pm1(x, name: str) -> np.ndarray:
    arr = _as_array(x, name)
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.integer)
        or np.issubdtype(arr.dtype, np.floating)
        or arr.dtype == np.bool_
    ):
        raise TypeError(f"{name} must be a numeric array of -1/+1 values; got dtype {arr.dtype}")
    if arr.dtype == np.bool_:
        raise TypeError(f"{name} must hold -1/+1 values, not booleans (use 2*x - 1)")
    if arr.size and not np.all((arr == 1) | (arr == -1)):
        bad = arr[(arr != 1) & (arr != -1)].ravel()[:3]
        raise ValueError(f"{name} must contain only -1 and +1; found {bad.tolist()}")
    return arr.astype(np.int8, copy=False)


def check_spins(states, name: str = "states", *, n: int | None = None):
    """Validate spin states; return ``(batch, was_1d)`` with ``batch`` int8 of shape (B, N).

    A single state of shape (N,) is accepted and reported with ``was_1d=True`` so that the
    caller can return a result of the same shape.
    """
    arr = _as_pm1(states, name)
    if arr.ndim == 1:
        was_1d = True
        arr = arr[None, :]
    elif arr.ndim == 2:
        was_1d = False
    else:
        raise ValueError(f"{name} must have shape (N,) or (B, N); got shape {arr.shape}")
    if arr.shape[1] == 0:
        raise ValueError(f"{name} must have at least one spin; got shape {arr.shape}")
    if n is not None and arr.shape[1] != n:
        raise ValueError(
            f"{name} must have {n} spins per state to match the network; got shape {arr.shape}"
        )
    return np.ascontiguousarray(arr), was_1d


def check_patterns(patterns, name: str = "patterns") -> np.ndarray:
    """Validate patterns of shape (P, N) (or one pattern (N,)) with entries in {-1, +1}, P ≥ 1."""
    arr, _ = check_spins(patterns, name)
    if arr.shape[0] == 0:
        raise ValueError(f"{name} must hold at least one pattern; got shape {arr.shape}")
    return arr


def check_couplings(
    J, name: str = "J", *, symmetric: bool = False, zero_diagonal: bool = False
) -> np.ndarray:
    """Validate a square, finite, real coupling matrix and return it as a NumPy array.

    Integer couplings are kept as integers (exact ties); other real types become float64.
    64-bit integer couplings whose row sums ``Σ_j |J_ij|`` exceed ``2**60`` are refused (local
    fields, energies and flip alignments are exact int64 sums and would overflow), and unsigned
    couplings become the next signed type (uint8 -> int16, ..., uint64 -> int64): mixed
    unsigned/signed arithmetic would silently become float in the kernels.
    """
    arr = _as_array(J, name)
    if arr.dtype == np.bool_ or not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
    ):
        raise TypeError(f"{name} must be a real numeric array; got dtype {arr.dtype}")
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1]:
        raise ValueError(f"{name} must be a square (N, N) matrix; got shape {arr.shape}")
    if arr.shape[0] == 0:
        raise ValueError(f"{name} must have N >= 1; got shape {arr.shape}")
    if np.issubdtype(arr.dtype, np.floating):
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} must be finite; found NaN or inf entries")
        if arr.dtype != np.float64:
            arr = arr.astype(np.float64)
    else:
        if arr.dtype.itemsize >= 8:
            check_integer_row_sums(arr, name)
        if arr.dtype.kind == "u":  # the next signed type: exact, and no mixed-sign promotion
            arr = arr.astype(np.dtype(f"int{min(64, 16 * arr.dtype.itemsize)}"))
    if symmetric and not np.array_equal(arr, arr.T):
        raise ValueError(f"{name} must be symmetric (J == J.T)")
    if zero_diagonal and np.any(np.diagonal(arr) != 0):
        raise ValueError(f"{name} must have a zero diagonal")
    return np.ascontiguousarray(arr)


def check_thresholds(theta, n: int, name: str = "theta") -> np.ndarray:
    """Thresholds: None (zeros) or a finite real vector of length ``n``; returns float64."""
    if theta is None:
        return np.zeros(n, dtype=np.float64)
    arr = _as_array(theta, name)
    if arr.dtype == np.bool_ or not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
    ):
        raise TypeError(f"{name} must be a real vector (or scalar); got dtype {arr.dtype}")
    if arr.ndim == 0:
        arr = np.full(n, float(arr))
    if arr.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},) to match J; got shape {arr.shape}")
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite; found NaN or inf entries")
    return arr


INTEGER_ROW_SUM_LIMIT = 2**60  # 2 (Σ_j |J_ij| + max |J_ii|) + 2 stays below 2**63


def abs_row_sums(J, *, chunk_elements: int = 1 << 22) -> np.ndarray:
    """``Σ_j |J_ij|`` per row as float64, in row blocks (no full-size temporary).

    Taken in float64 so that nothing overflows (``abs(-2**63)`` would in int64); each sum is
    within a relative ``N·2**-53`` of the exact one.
    """
    n_rows, n_cols = J.shape
    out = np.empty(n_rows, dtype=np.float64)
    step = max(1, chunk_elements // max(1, n_cols))
    for start in range(0, n_rows, step):
        block = J[start:start + step].astype(np.float64)
        out[start:start + step] = np.abs(block).sum(axis=1)
    return out


def check_integer_row_sums(J, name: str = "J", *, limit: int = INTEGER_ROW_SUM_LIMIT) -> None:
    """Refuse integer couplings whose row sums ``Σ_j |J_ij|`` exceed ``limit`` (int64 overflow).

    Local fields ``J s`` of integer couplings are exact int64 sums; beyond ``2**60`` they (or
    the flip alignments built from them) would wrap around silently and give wrong fields,
    wrong fixed points and energies of the wrong sign.
    """
    if J.size == 0:
        return
    sums = abs_row_sums(J)
    worst = int(np.argmax(sums))
    if sums[worst] > limit:
        raise ValueError(
            f"{name} has integer couplings whose row sums of |{name}_ij| reach "
            f"{sums[worst]:.3g} (row {worst}), more than 2**{int(np.log2(limit))} = {limit:.3g}: "
            f"int64 local fields would overflow; use smaller integer couplings, or float "
            f"couplings ({name}.astype(float), exact only below 2**53)"
        )


def available_memory_bytes() -> int:
    """Memory available to this process (MemAvailable on Linux; a conservative guess elsewhere)."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return 8 * 1024**3


def format_bytes(n: float) -> str:
    """Human-readable size (``1.5 GiB``)."""
    n = float(n)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if abs(n) < 1024 or unit == "PiB":
            return f"{n:.1f} {unit}" if unit != "B" else f"{int(n)} B"
        n /= 1024
    return f"{n:.1f} PiB"


def check_memory(nbytes: float, what: str, *, hint: str = "", fraction: float = 0.8) -> None:
    """Refuse up front (MemoryError) when ``nbytes`` exceeds ``fraction`` of available memory."""
    avail = available_memory_bytes()
    if nbytes > fraction * avail:
        msg = (
            f"{what} needs about {format_bytes(nbytes)}, more than {fraction:.0%} of the "
            f"{format_bytes(avail)} available"
        )
        if hint:
            msg += f"; {hint}"
        raise MemoryError(msg)


_MAX_RANGE_VALUES = 10**6


def parse_values(tokens, name: str) -> list[float]:
    """Numbers from values and inclusive ``START:STOP:STEP`` ranges (rounded to 10 digits).

    The one parser of value lists for the command line and the experiments (loads,
    temperatures, gains); errors name ``name``.

    Examples
    --------
    >>> parse_values(["0.05:0.08:0.01", "0.1"], "--alphas")
    [0.05, 0.06, 0.07, 0.08, 0.1]
    >>> parse_values(["1:0:0.5"], "--temperatures")
    Traceback (most recent call last):
    ...
    ValueError: --temperatures ranges must be START:STOP:STEP with STEP > 0 and STOP >= START; got '1:0:0.5'
    """
    out = []
    for tok in tokens:
        tok = str(tok).strip()
        if ":" in tok:
            parts = tok.split(":")
            try:
                if len(parts) != 3:
                    raise ValueError
                start, stop, step = (float(x) for x in parts)
            except ValueError:
                raise ValueError(f"{name} ranges must be numbers START:STOP:STEP; got {tok!r}"
                                 ) from None
            if not (np.isfinite([start, stop, step]).all() and step > 0 and stop >= start):
                raise ValueError(f"{name} ranges must be START:STOP:STEP with STEP > 0 and "
                                 f"STOP >= START; got {tok!r}")
            count = (stop - start) / step + 1
            if count > _MAX_RANGE_VALUES:
                raise ValueError(f"{name} range {tok!r} holds {count:.3g} values, more than "
                                 f"{_MAX_RANGE_VALUES:.0e}; use a larger STEP")
            count = int(np.floor((stop - start) / step + 1e-9)) + 1
            out.extend(round(start + i * step, 10) for i in range(count))
        else:
            try:
                value = float(tok)
            except ValueError:
                raise ValueError(f"{name} must be numbers or START:STOP:STEP ranges; got {tok!r}"
                                 ) from None
            if not np.isfinite(value):
                raise ValueError(f"{name} values must be finite; got {tok!r}")
            out.append(value)
    if not out:
        raise ValueError(f"{name} needs at least one value")
    return out


def format_seconds(seconds: float) -> str:
    """Human-readable duration (``45 s``, ``12 min``, ``3.5 h``, ``2 days``, ``4e+03 years``)."""
    s = float(seconds)
    if s < 120:
        return f"{s:.3g} s"
    if s < 7200:
        return f"{s / 60:.3g} min"
    if s < 2 * 86400:
        return f"{s / 3600:.3g} h"
    if s < 2 * 365 * 86400:
        return f"{s / 86400:.3g} days"
    return f"{s / (365.25 * 86400):.3g} years"


def check_seconds(seconds: float, max_seconds: float, what: str, *, hint: str = "") -> None:
    """Refuse up front (ValueError) when the estimated ``seconds`` exceed ``max_seconds``.

    The message gives the estimate and names ``max_seconds``, the parameter to change.
    """
    if seconds > max_seconds:
        msg = (f"{what} would take an estimated {format_seconds(seconds)}, more than "
               f"max_seconds = {max_seconds:g}; pass a larger max_seconds to run it anyway")
        if hint:
            msg += f", or {hint}"
        raise ValueError(msg)

"""Restricted Boltzmann machines with ±1 units: CD-k, persistent CD, exact log-likelihood.

``E(v, h) = −vᵀ W h − bᵀ v − cᵀ h`` over visible ``v ∈ {±1}^{N_v}`` and hidden
``h ∈ {±1}^{N_h}``. The conditionals factorise, ``P(h_j = +1 | v) = σ(2 (c_j + vᵀ W_{:j}))``
and ``P(v_i = +1 | h) = σ(2 (b_i + W_{i:} h))``, and the free energy of a visible state is
``F(v) = −bᵀ v − Σ_j log 2cosh(c_j + vᵀ W_{:j})``. For a small hidden layer the partition
function is exact by enumerating the hidden states:
``log Z = log Σ_h exp(cᵀ h + Σ_i log 2cosh(b_i + W_{i:} h))``, so training curves report
the exact mean log-likelihood ``−⟨F⟩_D − log Z``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from esorma._results import summarized
from esorma._validation import as_rng, check_choice, check_int, check_real, check_spins

__all__ = ["RBM", "RBMFitResult", "fit_rbm", "RBM_EXACT_MAX_HIDDEN"]

#: Largest hidden layer for the exact log-likelihood (2**20 hidden states).
RBM_EXACT_MAX_HIDDEN = 20


def _log2cosh(x):
    a = np.abs(x)
    return a + np.log1p(np.exp(-2.0 * a))


def _sigmoid2(x):
    """P(unit = +1) = σ(2x) = (1 + tanh x) / 2."""
    return 0.5 * (1.0 + np.tanh(x))


def _draw(p, rng):
    return np.where(rng.random(p.shape) < p, 1, -1).astype(np.int8)


@summarized
@dataclass(frozen=True, eq=False, repr=False)
class RBM:
    """A restricted Boltzmann machine with ±1 visible and hidden units.

    Parameters
    ----------
    W : array_like, shape (N_v, N_h)
        Visible–hidden couplings.
    b : array_like, shape (N_v,), optional
        Visible biases (default 0).
    c : array_like, shape (N_h,), optional
        Hidden biases (default 0).

    Examples
    --------
    >>> import numpy as np
    >>> rbm = RBM(np.zeros((3, 2)))
    >>> bool(np.isclose(rbm.log_partition(), 5 * np.log(2)))   # 2^5 equally likely states
    True
    """

    W: np.ndarray
    b: np.ndarray | None = None
    c: np.ndarray | None = None

    def __post_init__(self):
        W = np.asarray(self.W)
        if W.dtype == np.bool_ or not np.issubdtype(W.dtype, np.number):
            raise TypeError(f"W must be a real array; got dtype {W.dtype}")
        if W.ndim != 2 or 0 in W.shape:
            raise ValueError(f"W must have shape (n_visible, n_hidden) >= 1; got {W.shape}")
        W = W.astype(np.float64)
        if not np.all(np.isfinite(W)):
            raise ValueError("W must be finite; found NaN or inf")
        nv, nh = W.shape
        b = np.zeros(nv) if self.b is None else np.asarray(self.b, dtype=np.float64)
        c = np.zeros(nh) if self.c is None else np.asarray(self.c, dtype=np.float64)
        if b.shape != (nv,):
            raise ValueError(f"b must have shape ({nv},); got {b.shape}")
        if c.shape != (nh,):
            raise ValueError(f"c must have shape ({nh},); got {c.shape}")
        if not (np.all(np.isfinite(b)) and np.all(np.isfinite(c))):
            raise ValueError("b and c must be finite")
        object.__setattr__(self, "W", W)
        object.__setattr__(self, "b", b)
        object.__setattr__(self, "c", c)

    @property
    def n_visible(self) -> int:
        return self.W.shape[0]

    @property
    def n_hidden(self) -> int:
        return self.W.shape[1]

    def __repr__(self) -> str:
        return f"RBM(n_visible={self.n_visible}, n_hidden={self.n_hidden})"

    # ------------------------------------------------------------------ conditionals
    def hidden_probabilities(self, visible) -> np.ndarray:
        """``P(h_j = +1 | v)``, shape (B, N_h)."""
        v = check_spins(visible, "visible", n=self.n_visible)[0].astype(np.float64)
        return _sigmoid2(v @ self.W + self.c)

    def visible_probabilities(self, hidden) -> np.ndarray:
        """``P(v_i = +1 | h)``, shape (B, N_v)."""
        h = check_spins(hidden, "hidden", n=self.n_hidden)[0].astype(np.float64)
        return _sigmoid2(h @ self.W.T + self.b)

    def _gibbs(self, v, k, rng):
        for _ in range(k):
            h = _draw(_sigmoid2(v.astype(np.float64) @ self.W + self.c), rng)
            v = _draw(_sigmoid2(h.astype(np.float64) @ self.W.T + self.b), rng)
        return v

    def gibbs(self, visible, n_steps: int = 1, *, rng=None) -> np.ndarray:
        """``n_steps`` of block Gibbs sampling v → h → v from ``visible`` (B, N_v)."""
        v = check_spins(visible, "visible", n=self.n_visible)[0]
        return self._gibbs(v, check_int(n_steps, "n_steps", minimum=0), as_rng(rng))

    def sample(self, n_samples: int, *, n_steps: int = 1000, rng=None) -> np.ndarray:
        """``n_samples`` independent chains of ``n_steps`` Gibbs steps from random states."""
        rng = as_rng(rng)
        n_samples = check_int(n_samples, "n_samples", minimum=1)
        v = (2 * rng.integers(0, 2, size=(n_samples, self.n_visible)) - 1).astype(np.int8)
        return self._gibbs(v, check_int(n_steps, "n_steps", minimum=0), rng)

    # ------------------------------------------------------------------ likelihood
    def free_energy(self, visible) -> np.ndarray:
        """``F(v) = −bᵀv − Σ_j log 2cosh(c_j + vᵀ W_{:j})`` per visible state."""
        v = check_spins(visible, "visible", n=self.n_visible)[0].astype(np.float64)
        return -(v @ self.b) - _log2cosh(v @ self.W + self.c).sum(axis=1)

    def log_partition(self, *, max_hidden: int = RBM_EXACT_MAX_HIDDEN) -> float:
        """Exact ``log Z`` by enumerating the 2**N_h hidden states (chunked, log-sum-exp)."""
        from esorma.thermo.enumeration import all_states

        max_hidden = check_int(max_hidden, "max_hidden", minimum=1, maximum=26)
        nh = self.n_hidden
        if nh > max_hidden:
            raise ValueError(
                f"exact log Z needs n_hidden <= {max_hidden}; got {nh} (2^{nh} = "
                f"{2.0**nh:.3g} hidden states)"
            )
        hs = all_states(nh).astype(np.float64)
        out = []
        for start in range(0, hs.shape[0], 1 << 14):
            h = hs[start:start + (1 << 14)]
            out.append(h @ self.c + _log2cosh(h @ self.W.T + self.b).sum(axis=1))
        a = np.concatenate(out)
        amax = a.max()
        return float(amax + np.log(np.exp(a - amax).sum()))

    def log_likelihood(self, data, *, max_hidden: int = RBM_EXACT_MAX_HIDDEN) -> float:
        """Exact mean log-likelihood of ±1 visible data (nats per sample)."""
        return float(-np.mean(self.free_energy(data)) - self.log_partition(max_hidden=max_hidden))


@summarized
@dataclass(frozen=True)
class RBMFitResult:
    """Outcome of :func:`fit_rbm`.

    Attributes
    ----------
    rbm : RBM
    epochs : ndarray
        Epochs at which the log-likelihood was recorded (0 = before training).
    log_likelihood : ndarray
        Exact mean log-likelihood of the training data at those epochs (NaN if N_h is too
        large to enumerate).
    method : str
        ``"cd"`` or ``"pcd"``.
    k : int
        Gibbs steps per gradient estimate.
    seconds : float
    """

    rbm: RBM
    epochs: np.ndarray
    log_likelihood: np.ndarray
    method: str
    k: int
    seconds: float


def fit_rbm(
    data,
    n_hidden: int,
    *,
    method: str = "cd",
    k: int = 1,
    n_epochs: int = 100,
    batch_size: int = 32,
    learning_rate: float = 0.05,
    momentum: float = 0.5,
    weight_decay: float = 0.0,
    eval_every: int = 10,
    init_std: float = 0.01,
    rng=None,
) -> RBMFitResult:
    """Train an RBM on ±1 data with contrastive divergence (CD-k) or persistent CD.

    Parameters
    ----------
    data : array_like, shape (M, N_v)
        Training samples in {−1, +1}.
    n_hidden : int
    method : {"cd", "pcd"}
        CD-k restarts the negative chains at the minibatch; PCD keeps ``batch_size``
        persistent chains across updates (Tieleman 2008). PCD wants a smaller learning rate
        (about 0.01 without momentum on bars and stripes); with large steps its chains
        lag behind the model and training oscillates.
    k : int
        Gibbs steps per update.
    n_epochs, batch_size, learning_rate, momentum, weight_decay
        Minibatch gradient ascent with momentum and L2 decay of W.
    eval_every : int
        Record the exact log-likelihood every so many epochs (and at the start and end).
    init_std : float
        Standard deviation of the initial W (biases start at 0 for the hidden layer and at
        ``atanh`` of the data means for the visible layer).
    rng : None, int or Generator

    Returns
    -------
    RBMFitResult

    Examples
    --------
    >>> from esorma.thermo.data import bars_and_stripes
    >>> import numpy as np
    >>> x = np.repeat(bars_and_stripes(3), 20, axis=0)
    >>> fit = fit_rbm(x, 8, n_epochs=60, rng=0)
    >>> bool(fit.log_likelihood[-1] > fit.log_likelihood[0] + 2)
    True
    """
    check_choice(method, "method", ("cd", "pcd"))
    x, _ = check_spins(data, "data")
    m, nv = x.shape
    nh = check_int(n_hidden, "n_hidden", minimum=1)
    k = check_int(k, "k", minimum=1)
    n_epochs = check_int(n_epochs, "n_epochs", minimum=0)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    learning_rate = check_real(learning_rate, "learning_rate", minimum=0.0, strict_min=True)
    mom = check_real(momentum, "momentum", minimum=0.0, maximum=1.0, strict_max=True)
    wd = check_real(weight_decay, "weight_decay", minimum=0.0)
    eval_every = check_int(eval_every, "eval_every", minimum=1)
    init_std = check_real(init_std, "init_std", minimum=0.0)
    rng = as_rng(rng)
    t0 = time.perf_counter()
    xf = x.astype(np.float64)
    mean = np.clip(xf.mean(axis=0), -0.95, 0.95)
    W = rng.normal(0.0, init_std, size=(nv, nh))
    b = np.arctanh(mean)
    c = np.zeros(nh)
    vW = np.zeros_like(W)
    vb = np.zeros_like(b)
    vc = np.zeros_like(c)
    exact_ok = nh <= RBM_EXACT_MAX_HIDDEN
    epochs, lls = [], []

    def record(epoch):
        epochs.append(epoch)
        lls.append(RBM(W, b, c).log_likelihood(x) if exact_ok else np.nan)

    record(0)
    bs = min(batch_size, m)
    persistent = x[rng.integers(0, m, size=bs)].copy()
    for epoch in range(1, n_epochs + 1):
        perm = rng.permutation(m)
        for start in range(0, m, bs):
            v0 = xf[perm[start:start + bs]]
            h0 = np.tanh(v0 @ W + c)  # E[h | v] for ±1 units
            if method == "cd":
                vk = v0.astype(np.int8)
            else:
                vk = persistent[: v0.shape[0]]
            for _ in range(k):
                hs = _draw(_sigmoid2(vk.astype(np.float64) @ W + c), rng)
                vk = _draw(_sigmoid2(hs.astype(np.float64) @ W.T + b), rng)
            if method == "pcd":
                persistent[: v0.shape[0]] = vk
            vkf = vk.astype(np.float64)
            hk = np.tanh(vkf @ W + c)
            nb = v0.shape[0]
            gW = (v0.T @ h0 - vkf.T @ hk) / nb - wd * W
            gb = (v0 - vkf).mean(axis=0)
            gc = (h0 - hk).mean(axis=0)
            vW = mom * vW + learning_rate * gW
            vb = mom * vb + learning_rate * gb
            vc = mom * vc + learning_rate * gc
            W = W + vW
            b = b + vb
            c = c + vc
        if epoch % eval_every == 0 or epoch == n_epochs:
            record(epoch)
    return RBMFitResult(
        rbm=RBM(W, b, c),
        epochs=np.array(epochs),
        log_likelihood=np.array(lls),
        method=method,
        k=k,
        seconds=time.perf_counter() - t0,
    )

"""Studies of weight spectra: a BBP sweep of planted matrices, spectra along a training run.

* :func:`bbp_sweep`: rank-one signals of increasing strength in Gaussian noise; the measured
  top singular value and the squared overlaps of its singular vectors with the planted ones,
  against the limits of Benaych-Georges & Nadakuditi (2012) (:mod:`esorma.spectra.weights`).
* :func:`training_weight_spectra`: every layer's spectrum (Marchenko-Pastur bulk, outliers,
  stable and entropy rank), the alignment of consecutive layers and the training phase
  (linear, hybrid, saturated) at each record of a :class:`esorma.bridge.TrainResult`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from esorma._results import summarized
from esorma._threads import single_threaded_blas
from esorma._validation import as_rng, check_int
from esorma.spectra.weights import bbp_outlier, bbp_overlaps, bbp_threshold, weight_spectrum

__all__ = [
    "BBPSweep",
    "bbp_sweep",
    "LayerTrajectory",
    "TrainingSpectra",
    "training_weight_spectra",
]


# ----------------------------------------------------------------------------- BBP sweep
@summarized
@dataclass(frozen=True)
class BBPSweep:
    """Measured outliers and overlaps of planted rank-one signals against the BBP limits.

    Model ``W = theta u v^T + sigma Z / sqrt(q)`` with ``sigma = 1`` (short side ``n``).

    Attributes
    ----------
    shape : tuple of int
    thetas : ndarray, shape (S,)
        Signal strengths (units of ``sigma``).
    top : ndarray, shape (S, T)
        Top singular value of each of ``T`` trials.
    overlap_short, overlap_long : ndarray, shape (S, T)
        Squared overlaps of the top singular vectors with ``u`` and ``v``.
    n_outliers : ndarray of int, shape (S, T)
        Outliers found by :func:`esorma.spectra.weight_spectrum` (noise estimated).
    predicted_top, predicted_short, predicted_long : ndarray, shape (S,)
        The limits (the bulk edge below the threshold; overlaps 0 there).
    threshold : float
        ``c^(1/4)``.
    seed : int or None
    """

    shape: tuple
    thetas: np.ndarray = field(metadata={"description": "signal strengths / sigma"})
    top: np.ndarray = field(metadata={"description": "top singular value per trial"})
    overlap_short: np.ndarray = field(metadata={"description": "squared overlap, short side"})
    overlap_long: np.ndarray = field(metadata={"description": "squared overlap, long side"})
    n_outliers: np.ndarray = field(metadata={"description": "outliers found per trial"})
    predicted_top: np.ndarray = field(metadata={"description": "BBP limit of the top value"})
    predicted_short: np.ndarray = field(metadata={"description": "BBP limit, short side"})
    predicted_long: np.ndarray = field(metadata={"description": "BBP limit, long side"})
    threshold: float
    seed: int | None = None

    def __post_init__(self):
        object.__setattr__(self, "shape", tuple(int(s) for s in self.shape))

    def summary(self) -> dict:
        return {
            "shape": list(self.shape), "threshold": self.threshold,
            "thetas": self.thetas.tolist(), "top_mean": self.top.mean(axis=1).tolist(),
            "predicted_top": self.predicted_top.tolist(),
            "overlap_short_mean": self.overlap_short.mean(axis=1).tolist(),
            "predicted_short": self.predicted_short.tolist(),
            "overlap_long_mean": self.overlap_long.mean(axis=1).tolist(),
            "predicted_long": self.predicted_long.tolist(),
            "outlier_rate": (self.n_outliers > 0).mean(axis=1).tolist(), "seed": self.seed,
        }


def _sweep(gen, th, n, m, top, ov_s, ov_l, n_out):
    for i, t in enumerate(th):
        for j in range(top.shape[1]):
            u = gen.standard_normal(n)
            u /= np.linalg.norm(u)
            v = gen.standard_normal(m)
            v /= np.linalg.norm(v)
            W = t * np.outer(u, v) + gen.standard_normal((n, m)) / math.sqrt(m)
            ws = weight_spectrum(W, n_vectors=1)
            top[i, j] = ws.singular_values[0]
            ov_s[i, j] = (ws.left[:, 0] @ u) ** 2
            ov_l[i, j] = (ws.right[:, 0] @ v) ** 2
            n_out[i, j] = ws.n_outliers


def bbp_sweep(n: int = 300, m: int = 1200, thetas=None, *, n_trials: int = 5,
              rng=None) -> BBPSweep:
    """Plant ``theta u v^T`` in ``n x m`` Gaussian noise for each ``theta``; measure the top pair.

    Examples
    --------
    >>> sw = bbp_sweep(50, 100, [0.5, 3.0], n_trials=2, rng=0)
    >>> sw.top.shape, round(sw.threshold, 4)
    ((2, 2), 0.8409)
    """
    n = check_int(n, "n", minimum=2)
    m = check_int(m, "m", minimum=n)
    c = n / m
    if thetas is None:
        thetas = np.linspace(0.0, 3.0, 13)
    th = np.asarray(thetas, dtype=float).ravel()
    if th.size == 0 or np.any(~np.isfinite(th)) or np.any(th < 0):
        raise ValueError(f"thetas must be finite and >= 0; got {thetas!r}")
    T = check_int(n_trials, "n_trials", minimum=1)
    seed = rng if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool) else None
    gen = as_rng(rng)
    top = np.empty((th.size, T))
    ov_s, ov_l = np.empty_like(top), np.empty_like(top)
    n_out = np.empty((th.size, T), dtype=np.int64)
    with single_threaded_blas():  # many mid-size SVDs: BLAS threads only contend
        _sweep(gen, th, n, m, top, ov_s, ov_l, n_out)
    pred = np.asarray(bbp_outlier(th, c), dtype=float)
    pred = np.where(np.isnan(pred), 1.0 + math.sqrt(c), pred)
    ps, pl = bbp_overlaps(th, c)
    return BBPSweep(shape=(n, m), thetas=th, top=top, overlap_short=ov_s, overlap_long=ov_l,
                    n_outliers=n_out, predicted_top=pred, predicted_short=np.asarray(ps),
                    predicted_long=np.asarray(pl), threshold=bbp_threshold(c), seed=seed)


# ----------------------------------------------------------------------------- over training
@summarized
@dataclass(frozen=True)
class LayerTrajectory:
    """One layer's spectrum at every recorded epoch.

    Attributes
    ----------
    shape : tuple of int
    singular_values : ndarray, shape (R, p)
    noise_std : ndarray, shape (R,)
    edge : ndarray, shape (R,)
        Upper bulk edge ``sigma (1 + sqrt c)``.
    n_outliers : ndarray of int, shape (R,)
    stable_rank, entropy_rank : ndarray, shape (R,)
    bulk_ks : ndarray, shape (R,)
    """

    shape: tuple
    singular_values: np.ndarray = field(metadata={"description": "singular values per record"})
    noise_std: np.ndarray = field(metadata={"description": "per-entry noise std per record"})
    edge: np.ndarray = field(metadata={"description": "upper bulk edge per record"})
    n_outliers: np.ndarray = field(metadata={"description": "outliers per record"})
    stable_rank: np.ndarray = field(metadata={"description": "stable rank per record"})
    entropy_rank: np.ndarray = field(metadata={"description": "entropy rank per record"})
    bulk_ks: np.ndarray = field(metadata={"description": "KS distance of the bulk to MP"})

    def __post_init__(self):
        object.__setattr__(self, "shape", tuple(int(s) for s in self.shape))


def _trajectory(mats, noise, tw_margin):
    rows = [weight_spectrum(W, noise=noise, tw_margin=tw_margin, n_vectors=0) for W in mats]
    return LayerTrajectory(
        shape=rows[0].shape,
        singular_values=np.stack([r.singular_values for r in rows]),
        noise_std=np.array([r.noise_std for r in rows]),
        edge=np.array([r.edges[1] for r in rows]),
        n_outliers=np.array([r.n_outliers for r in rows], dtype=np.int64),
        stable_rank=np.array([r.stable_rank for r in rows]),
        entropy_rank=np.array([r.entropy_rank for r in rows]),
        bulk_ks=np.array([r.bulk_ks for r in rows]),
    )


@summarized
@dataclass(frozen=True)
class TrainingSpectra:
    """Weight spectra along a training run of the bridge's MLPs.

    Attributes
    ----------
    epochs : ndarray of int, shape (R,)
    layers : tuple of LayerTrajectory
        One per layer (hidden layers and the output layer).
    alignment : ndarray, shape (R, L - 1)
        Mean ``cos^2`` between the top-``k`` left singular subspace of layer ``i`` and the
        top-``k`` right singular subspace of layer ``i + 1`` (:func:`subspace_overlap`,
        ``side="left-right"``); NaN where a layer is too small for ``k``.
    k : int
    phase_codes : ndarray of int8, shape (R,)
        0 linear, 1 hybrid, 2 saturated (:func:`esorma.bridge.classify_phases`); -1 when
        phases were not computed.
    loss, error : ndarray, shape (R,)
    noise : str
    """

    epochs: np.ndarray = field(metadata={"unit": "epoch", "description": "recorded epochs"})
    layers: tuple
    alignment: np.ndarray = field(metadata={"description": "consecutive-layer alignment"})
    k: int
    phase_codes: np.ndarray = field(metadata={"description": "0 linear, 1 hybrid, 2 saturated"})
    loss: np.ndarray = field(metadata={"description": "training loss per record"})
    error: np.ndarray = field(metadata={"description": "training error per record"})
    noise: str

    def __post_init__(self):
        object.__setattr__(self, "layers", tuple(self.layers))

    def summary(self) -> dict:
        out = {"epochs": [int(self.epochs[0]), int(self.epochs[-1])],
               "n_records": int(self.epochs.size), "noise": self.noise, "layers": []}
        for lay in self.layers:
            out["layers"].append({
                "shape": list(lay.shape),
                "stable_rank": [float(lay.stable_rank[0]), float(lay.stable_rank[-1])],
                "entropy_rank": [float(lay.entropy_rank[0]), float(lay.entropy_rank[-1])],
                "n_outliers": [int(lay.n_outliers[0]), int(lay.n_outliers[-1])],
                "top_singular_value": [float(lay.singular_values[0, 0]),
                                       float(lay.singular_values[-1, 0])],
            })
        if self.phase_codes.size and self.phase_codes[0] >= 0:
            from esorma.bridge.phases import PHASES

            out["phases"] = [PHASES[int(c)] for c in (self.phase_codes[0],
                                                      self.phase_codes[-1])]
        return out


def training_weight_spectra(result, *, noise="median", tw_margin: float = 4.0, k: int = 1,
                            phases: bool = True, max_records: int | None = 200
                            ) -> TrainingSpectra:
    """Weight spectra of every layer along a :class:`esorma.bridge.TrainResult` history.

    Parameters
    ----------
    result : esorma.bridge.TrainResult
        From :func:`esorma.bridge.train_mlp` or :func:`esorma.bridge.result_from_snapshots`.
    noise, tw_margin
        As in :func:`weight_spectrum` (applied to each layer at each record).
    k : int
        Dimension of the subspaces of the consecutive-layer alignment.
    phases : bool
        Label the records linear / hybrid / saturated with
        :func:`esorma.bridge.phase_diagnostics` (no Lyapunov exponents) and
        :func:`esorma.bridge.classify_phases`.
    max_records : int or None
        Analyse at most this many records, evenly spaced (first and last kept).

    Examples
    --------
    >>> from esorma.bridge import train_mlp, parity_task
    >>> res = train_mlp(parity_task(4), hidden=(8, 8), n_epochs=200, learning_rate=2.0,
    ...                 record_every=50, rng=0)
    >>> ts = training_weight_spectra(res, phases=False)
    >>> len(ts.layers), ts.layers[1].singular_values.shape
    (3, (5, 8))
    """
    from esorma.bridge.training import TrainResult

    if not isinstance(result, TrainResult):
        raise TypeError(f"result must be an esorma.bridge.TrainResult; got "
                        f"{type(result).__name__}")
    k = check_int(k, "k", minimum=1)
    hist = result.history
    R = hist.epochs.size
    rows = np.arange(R)
    if max_records is not None:
        max_records = check_int(max_records, "max_records", minimum=2)
        if R > max_records:
            rows = np.unique(np.linspace(0, R - 1, max_records).round().astype(int))
    with single_threaded_blas():  # many small decompositions
        return _training_spectra(result, rows, noise, tw_margin, k, phases)


def _training_spectra(result, rows, noise, tw_margin, k, phases):
    hist = result.history
    net = result.network
    mats = [[np.asarray(lay.W) for lay in net.with_params(hist.params[r]).layers]
            for r in rows]
    L = len(mats[0])
    skip = [min(mats[0][i].shape) < 2 for i in range(L)]
    trajectories = []
    for i in range(L):
        if skip[i]:  # a vector (one unit or one input): no bulk; keep the norm only
            s = np.array([[np.linalg.norm(m[i])] for m in mats])
            one = np.ones(rows.size)
            trajectories.append(LayerTrajectory(
                shape=mats[0][i].shape, singular_values=s, noise_std=np.full(rows.size, np.nan),
                edge=np.full(rows.size, np.nan), n_outliers=np.zeros(rows.size, np.int64),
                stable_rank=np.where(s[:, 0] > 0, one, 0.0),
                entropy_rank=np.where(s[:, 0] > 0, one, 0.0),
                bulk_ks=np.full(rows.size, np.nan)))
        else:
            trajectories.append(_trajectory([m[i] for m in mats], noise, tw_margin))
    align = np.full((rows.size, max(L - 1, 0)), np.nan)
    for i in range(L - 1):
        kk = min(k, *mats[0][i].shape, *mats[0][i + 1].shape)
        if kk < k or min(mats[0][i].shape) < 1:
            continue
        for r, m in enumerate(mats):
            if np.any(m[i]) and np.any(m[i + 1]):
                align[r, i] = _alignment(m[i], m[i + 1], kk)
    codes = np.full(rows.size, -1, dtype=np.int8)
    if phases:
        from esorma.bridge.diagnostics import phase_diagnostics
        from esorma.bridge.phases import classify_phases

        labels = classify_phases(phase_diagnostics(result, lyapunov=False))
        codes = np.asarray(labels.codes, dtype=np.int8)[rows]
    return TrainingSpectra(epochs=hist.epochs[rows], layers=tuple(trajectories),
                           alignment=align, k=k, phase_codes=codes, loss=hist.loss[rows],
                           error=hist.error[rows], noise=noise if isinstance(noise, str)
                           else "given")


def _alignment(A, B, k):
    """Mean cos^2 between the top-k left subspace of A (n_out) and right subspace of B (n_in)."""
    import scipy.linalg as sl

    U = np.linalg.svd(A, full_matrices=False)[0][:, :k]
    V = np.linalg.svd(B, full_matrices=False)[2][:k].T
    return float(np.mean(np.cos(sl.subspace_angles(U, V)) ** 2))

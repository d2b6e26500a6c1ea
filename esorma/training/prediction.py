"""Do stability indicators measured early in training predict where training ends?

The prediction study of issue 14 (after Sharafi, Martin & Hallerberg 2024, "On the weight
dynamics of learning networks", arXiv:2405.00743). Many networks are trained per *setting*
(task x activation x learning rate), each from its own random initial weights on the same
task. Early in training, in consecutive windows of ``window`` steps, each run yields

- the ``k`` leading finite-time Lyapunov exponents (FTLEs) of the gradient-descent map over
  the window (``ftle_1 .. ftle_k``, per step),
- covariant-Lyapunov-vector (CLV) features at the window's midpoint: the angle between CLV 1
  and CLV 2, the smallest angle among the ``k`` CLVs, and the alignment ``|cos|`` of CLV 1 with
  the gradient and with the Hessian's top eigenvector (``clv_angle_12``, ``clv_min_angle``,
  ``clv1_grad_alignment``, ``clv1_hessian_alignment``),
- the naive baseline: the log of the loss at the window's end (``log_loss``).

The tangent vectors are carried by QR (Benettin) from the first step, so the FTLEs of a window
are those of :func:`esorma.training.train_network` with the same seed. The CLVs of a window
(Ginelli et al. 2007) are taken at its midpoint, with the forward basis of every step before it
and a backward pass started at the window's *end* (not at the end of training, which would let
later steps in). Every feature of a window therefore uses the training trajectory up to the
window's end only: the window's *time* is that last step, and the baseline is the loss at the
same time. The target is the natural log of the loss at the end of training (the steps after
the windows run without tangent vectors).

For every setting, feature and window the study reports Spearman's rho between the feature and
the target with a seeded percentile-bootstrap interval (:func:`bootstrap_spearman`), and for
every feature *family* (``loss``, ``ftle``, ``clv`` and all of them together) the out-of-sample
R² of a ridge regression by repeated k-fold cross-validation (:func:`cross_validated_r2`).

Runs that diverge (a non-finite loss or weights beyond ``max_norm``, see
:func:`esorma.training.train_network`) are kept in the result as diverged (``diverged``,
``diverged_step``), counted per setting (``n_diverged``) and left out of every statistic
(``n_used`` says how many runs each statistic uses).

The runs are a sweep (:mod:`esorma.sweeps`): one grid point per block of ``runs_per_point``
runs of one setting, one HDF5 file when ``path`` is given (a killed study resumes where it
stopped and completes identically), local worker processes or Dask when asked.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field

import numpy as np

from esorma._results import summarized
from esorma._stats import spearman_ci
from esorma._threads import single_threaded_blas
from esorma._validation import as_rng, check_choice, check_int, check_real

__all__ = [
    "PREDICTION_SIZES",
    "PREDICTION_TASKS",
    "FEATURES",
    "CLV_FEATURES",
    "FAMILIES",
    "HEADLINE",
    "PredictionStudy",
    "prediction_study",
    "bootstrap_spearman",
    "cross_validated_r2",
]

#: The CLV features of each window (see the module docstring), after ``log_loss`` and the
#: ``ftle_i`` columns.
CLV_FEATURES = ("clv_angle_12", "clv_min_angle", "clv1_grad_alignment",
                "clv1_hessian_alignment")


def _feature_names(k: int) -> tuple:
    return ("log_loss",) + tuple(f"ftle_{i + 1}" for i in range(k)) + CLV_FEATURES


#: The features of the study with the default ``k = 3`` (``_feature_names(k)`` in general).
FEATURES = _feature_names(3)

#: Feature families of the cross-validated R² (``ftle`` is every ``ftle_i``).
FAMILIES = ("loss", "ftle", "clv", "all")

#: The one feature of each family whose Spearman rho the tables and figures show.
HEADLINE = {"loss": "log_loss", "ftle": "ftle_1", "clv": "clv_angle_12"}

#: The tasks of the study: generator name and parameters of
#: :func:`esorma.training.make_regression_task`, and the hidden width of the network.
PREDICTION_TASKS = {
    "teacher": {"params": {"n_inputs": 5, "n_samples": 64, "n_hidden": 4, "noise": 0.1},
                "n_hidden": 8},
    "parity": {"params": {"n_inputs": 5}, "n_hidden": 4},
}

#: Documented sizes of :func:`prediction_study` (every entry can be overridden by a keyword).
#: ``full`` takes about 333 CPU seconds: 3 minutes on 2 idle cores (``workers=2``).
PREDICTION_SIZES = {
    "quick": {"tasks": ("teacher", "parity"), "activations": ("tanh",),
              "learning_rates": (0.3, 1.5), "n_runs": 16, "runs_per_point": 8,
              "n_steps": 600, "window": 20, "n_windows": 5, "k": 3,
              "n_boot": 300, "n_folds": 4, "n_repeats": 2},
    "full": {"tasks": ("teacher", "parity"), "activations": ("tanh", "relu"),
             "learning_rates": (0.3, 1.5), "n_runs": 200, "runs_per_point": 20,
             "n_steps": 4000, "window": 30, "n_windows": 10, "k": 3,
             "n_boot": 2000, "n_folds": 5, "n_repeats": 5},
}


# ----------------------------------------------------------------------------- statistics
def _pair(x, y, name_x="x", name_y="y"):
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    if x.shape != y.shape:
        raise ValueError(f"{name_x} and {name_y} must have the same length; got {x.size} and "
                         f"{y.size}")
    return x, y


def bootstrap_spearman(x, y, *, n_boot: int = 1000, confidence: float = 0.95,
                       rng=None) -> tuple[float, float, float]:
    """Spearman's rank correlation of ``x`` and ``y`` with a percentile bootstrap interval.

    The pairs are resampled with replacement ``n_boot`` times (``rng`` draws the resamples);
    the interval is the central ``confidence`` range of the resampled correlations (resamples
    whose ranks are all tied are left out). Pairs with a non-finite member are dropped first.

    Parameters
    ----------
    x, y : array_like, shape (n,)
    n_boot : int
        Bootstrap resamples (0: no interval, NaN bounds).
    confidence : float
        Coverage of the interval, in (0, 1).
    rng : None, int or numpy.random.Generator

    Returns
    -------
    (rho, low, high) : tuple of float
        NaN when fewer than 3 finite pairs remain or one variable is constant.

    Examples
    --------
    >>> x = np.arange(20.0)
    >>> rho, lo, hi = bootstrap_spearman(x, x ** 3, rng=0)
    >>> rho, lo, hi
    (1.0, 1.0, 1.0)
    """
    x, y = _pair(x, y)
    n_boot = check_int(n_boot, "n_boot", minimum=0)
    confidence = check_real(confidence, "confidence", minimum=0.0, maximum=1.0,
                            strict_min=True, strict_max=True)
    return spearman_ci(x, y, n_boot=n_boot, level=confidence, rng=as_rng(rng))


def _ridge_fit(X, y, ridge):
    mu, sd = X.mean(axis=0), X.std(axis=0)
    sd = np.where(sd > 0, sd, 1.0)
    Z = (X - mu) / sd
    ybar = y.mean()
    A = Z.T @ Z + ridge * X.shape[0] * np.eye(X.shape[1])
    beta = np.linalg.solve(A, Z.T @ (y - ybar))
    return mu, sd, beta, ybar


def cross_validated_r2(X, y, *, n_folds: int = 5, n_repeats: int = 1, ridge: float = 0.1,
                       rng=None) -> tuple[float, float]:
    """Out-of-sample R² of a ridge regression of ``y`` on the columns of ``X``, by k-fold CV.

    The samples are split into ``n_folds`` folds at random; each fold is predicted by a ridge
    regression fitted on the others (features standardised on the training folds, penalty
    ``ridge * n_train`` on the standardised coefficients, intercept free). The pooled
    out-of-fold predictions give ``R² = 1 - Σ(y - ŷ)² / Σ(y - ȳ)²``, which is ≈ 1 for a
    perfect predictor, ≈ 0 (slightly below) for a useless one and can be negative.
    Samples with a non-finite entry are dropped first.

    Parameters
    ----------
    X : array_like, shape (n,) or (n, p)
    y : array_like, shape (n,)
    n_folds : int
        Folds (2 <= n_folds <= n).
    n_repeats : int
        Independent random partitions; the mean and standard deviation of R² over them are
        returned.
    ridge : float
        Penalty (>= 0; 0 is least squares). The default 0.1 shrinks the coefficients by about
        10 % (a perfect single feature gives R² ≈ 0.99): it keeps the fit of many features on
        few runs stable.
    rng : None, int or numpy.random.Generator
        Draws the partitions.

    Returns
    -------
    (r2, spread) : tuple of float
        Mean R² over the repeats and its standard deviation (0 for one repeat); NaN when
        there are fewer samples than folds or ``y`` is constant.

    Examples
    --------
    >>> x = np.linspace(0, 1, 40)
    >>> r2, _ = cross_validated_r2(x, 3 * x + 1, ridge=0.0, rng=0)
    >>> round(r2, 6)
    1.0
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2:
        raise ValueError(f"X must be 1-d or 2-d (samples, features); got shape {X.shape}")
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    if X.shape[0] != y.size:
        raise ValueError(f"X and y must have the same number of samples; got {X.shape[0]} "
                         f"and {y.size}")
    n_folds = check_int(n_folds, "n_folds", minimum=2)
    n_repeats = check_int(n_repeats, "n_repeats", minimum=1)
    ridge = check_real(ridge, "ridge", minimum=0.0)
    ok = np.isfinite(y) & np.all(np.isfinite(X), axis=1)
    X, y = X[ok], y[ok]
    n = y.size
    sst = float(np.sum((y - y.mean()) ** 2)) if n else 0.0
    if n < n_folds or sst <= 0:
        return float("nan"), float("nan")
    gen = as_rng(rng)
    scores = np.empty(n_repeats)
    for r in range(n_repeats):
        fold = gen.permutation(n) % n_folds
        pred = np.empty(n)
        for f in range(n_folds):
            test = fold == f
            mu, sd, beta, ybar = _ridge_fit(X[~test], y[~test], ridge)
            pred[test] = ybar + ((X[test] - mu) / sd) @ beta
        scores[r] = 1.0 - float(np.sum((y - pred) ** 2)) / sst
    return float(scores.mean()), float(scores.std()) if n_repeats > 1 else 0.0


# ----------------------------------------------------------------------------- the result
def _meta(description, unit=None):
    meta = {"description": description}
    if unit:
        meta["unit"] = unit
    return field(metadata=meta)


@summarized
@dataclass(frozen=True)
class PredictionStudy:
    """Early stability indicators of training against the final loss, per setting.

    ``S`` settings (task x activation x learning rate, activation and learning rate fastest),
    ``R`` runs per setting, ``W`` windows, ``F`` features (:attr:`features`), ``G`` families
    (:attr:`families`).

    Attributes
    ----------
    tasks, activations : ndarray of str, shape (S,)
    learning_rates : ndarray, shape (S,)
    window_times : ndarray of int, shape (W,)
        Training step at the end of each window: every feature of the window uses the
        trajectory up to this step only; the baseline is the loss at this step.
    window : int
        Steps per window.
    features : tuple of str, length F
        ``log_loss``, ``ftle_1 .. ftle_k``, then the CLV features.
    families : tuple of str, length G
        Feature families of :attr:`r2` (``loss``, ``ftle``, ``clv``, ``all``).
    run_seeds : ndarray of int, shape (S, R)
        Seed of each run: its initial weights (the ``rng`` of its first window's
        :func:`esorma.training.train_network` call) and its tangent bases derive from it.
    final_log_loss : ndarray, shape (S, R)
        Natural log of the MSE loss after ``n_steps`` steps (+inf for a diverged run).
    diverged : ndarray of bool, shape (S, R)
    diverged_step : ndarray of int, shape (S, R)
        Step at which the run diverged (-1: it did not).
    values : ndarray, shape (S, R, W, F)
        Every feature of every run and window (NaN where undefined, e.g. after a divergence).
    rho, rho_low, rho_high : ndarray, shape (S, F, W)
        Spearman's rho of each feature with ``final_log_loss`` over the runs used, and its
        bootstrap interval (``confidence``).
    r2, r2_spread : ndarray, shape (S, G, W)
        Out-of-sample R² of each family (ridge regression, k-fold cross-validation) and its
        standard deviation over ``n_repeats`` random partitions.
    n_used : ndarray of int, shape (S,)
        Runs that did not diverge: the statistics use these (pairs with a non-finite feature
        are dropped too, see :attr:`n_pairs`).
    n_pairs : ndarray of int, shape (S, F, W)
        Runs entering each rho.
    record_steps : ndarray of int, shape (m,)
        Steps at which :attr:`log_loss_curves` is recorded.
    log_loss_curves : ndarray, shape (S, R, m)
        Natural log of the loss of every run at ``record_steps`` (NaN after a divergence).
    config : dict
        Everything that sets the study (size, tasks and their parameters, hidden widths,
        steps, windows, k, bootstrap and cross-validation settings, ...).
    seed : int
        The study seed.
    size : str
        ``"quick"``, ``"full"`` or ``"custom"`` (a documented size with overrides).
    seconds : float
        Wall time of the call that returned this result (the runs it computed, plus the
        statistics).
    n_computed : int
        Sweep points computed by that call (the others were read from the results file).
    """

    tasks: np.ndarray = _meta("task of each setting")
    activations: np.ndarray = _meta("hidden activation of each setting")
    learning_rates: np.ndarray = _meta("learning rate of each setting")
    window_times: np.ndarray = _meta("last training step used by each window", "step")
    window: int
    features: tuple
    families: tuple
    run_seeds: np.ndarray = _meta("seed of each run (setting, run)")
    final_log_loss: np.ndarray = _meta("ln of the final MSE loss (setting, run)")
    diverged: np.ndarray = _meta("run diverged (setting, run)")
    diverged_step: np.ndarray = _meta("step of divergence, -1 none (setting, run)", "step")
    values: np.ndarray = _meta("features (setting, run, window, feature)")
    rho: np.ndarray = _meta("Spearman rho with ln final loss (setting, feature, window)")
    rho_low: np.ndarray = _meta("bootstrap lower bound of rho")
    rho_high: np.ndarray = _meta("bootstrap upper bound of rho")
    r2: np.ndarray = _meta("cross-validated R2 of ln final loss (setting, family, window)")
    r2_spread: np.ndarray = _meta("std of R2 over random partitions")
    n_used: np.ndarray = _meta("runs in the statistics (not diverged), per setting")
    n_pairs: np.ndarray = _meta("runs entering each rho (setting, feature, window)")
    record_steps: np.ndarray = _meta("steps of the recorded loss curves", "step")
    log_loss_curves: np.ndarray = _meta("ln of the loss (setting, run, recorded step)")
    config: dict
    seed: int
    size: str
    seconds: float = _meta("wall time of the call", "s")
    n_computed: int = 0

    def __post_init__(self):
        object.__setattr__(self, "features", tuple(self.features))
        object.__setattr__(self, "families", tuple(self.families))
        object.__setattr__(self, "tasks", np.asarray(self.tasks).astype(str))
        object.__setattr__(self, "activations", np.asarray(self.activations).astype(str))

    # -- shapes and labels
    @property
    def n_settings(self) -> int:
        return int(self.tasks.size)

    @property
    def n_runs(self) -> int:
        """Runs per setting."""
        return int(self.final_log_loss.shape[1])

    @property
    def n_diverged(self) -> np.ndarray:
        """Diverged runs per setting (left out of every statistic)."""
        return self.diverged.sum(axis=1).astype(np.int64)

    def label(self, s: int) -> str:
        """``"teacher tanh lr=0.1"``: the setting's name."""
        return f"{self.tasks[s]} {self.activations[s]} lr={self.learning_rates[s]:g}"

    def feature_index(self, name: str) -> int:
        check_choice(name, "feature", self.features)
        return self.features.index(name)

    def family_index(self, name: str) -> int:
        check_choice(name, "family", self.families)
        return self.families.index(name)

    def best_window(self, s: int, family: str = "ftle") -> int:
        """Window of setting ``s`` where ``family`` predicts best (largest R²; else the absolute rho of
        its headline feature when every R² is NaN).

        Chosen after looking at every window, so the R² and rho there are optimistic (the
        best of ``W`` estimates); compare them with the baseline's at the same window."""
        r2 = self.r2[s, self.family_index(family)]
        if np.any(np.isfinite(r2)):
            return int(np.nanargmax(r2))
        rho = np.abs(self.rho[s, self.feature_index(HEADLINE.get(family, "ftle_1"))])
        return int(np.nanargmax(rho)) if np.any(np.isfinite(rho)) else 0

    def beats_baseline(self, family: str) -> np.ndarray:
        """(S, W) bool: the family's R² exceeds the baseline's by more than both spreads."""
        f, b = self.family_index(family), self.family_index("loss")
        margin = self.r2_spread[:, f] + self.r2_spread[:, b]
        with np.errstate(invalid="ignore"):
            return (self.r2[:, f] - self.r2[:, b]) > margin

    # -- reports
    def table(self) -> list[str]:
        """The text table of every setting: rho(t) with its interval and R² per family."""
        heads = [HEADLINE[f] for f in ("loss", "ftle", "clv")]
        conf = self.config.get("confidence", 0.95)
        lines = [f"Spearman rho with ln(final loss) [{conf:.0%} bootstrap interval] and "
                 f"cross-validated R² ({self.config.get('n_folds')}-fold x "
                 f"{self.config.get('n_repeats')}); baseline = ln(loss) at the window's end"]
        for s in range(self.n_settings):
            lines.append("")
            lines.append(f"{self.label(s)}: {self.n_runs} runs, {int(self.n_diverged[s])} "
                         f"diverged (excluded), {int(self.n_used[s])} used")
            lines.append(f"{'step':>6} " + " ".join(f"{'rho ' + h:>22}" for h in heads)
                         + " " + " ".join(f"{'R2 ' + g:>13}" for g in self.families))
            for w, t in enumerate(self.window_times.tolist()):
                cells = []
                for h in heads:
                    i = self.feature_index(h)
                    cells.append(f"{_fmt(self.rho[s, i, w])} [{_fmt(self.rho_low[s, i, w])},"
                                 f"{_fmt(self.rho_high[s, i, w])}]".rjust(22))
                r2 = [f"{_fmt(self.r2[s, g, w])}±{self.r2_spread[s, g, w]:.2f}".rjust(13)
                      for g in range(len(self.families))]
                lines.append(f"{t:>6} " + " ".join(cells) + " " + " ".join(r2))
        return lines

    def summary(self) -> dict:
        """The key numbers as a JSON-ready dict (what ``esorma learn --json`` prints)."""
        heads = {f: self.feature_index(h) for f, h in HEADLINE.items()}
        settings = []
        for s in range(self.n_settings):
            best = {f: self.best_window(s, f) for f in ("ftle", "clv")}
            settings.append({
                "task": str(self.tasks[s]), "activation": str(self.activations[s]),
                "learning_rate": float(self.learning_rates[s]), "n_runs": self.n_runs,
                "n_diverged": int(self.n_diverged[s]), "n_used": int(self.n_used[s]),
                "rho": {f: self.rho[s, i].tolist() for f, i in heads.items()},
                "rho_low": {f: self.rho_low[s, i].tolist() for f, i in heads.items()},
                "rho_high": {f: self.rho_high[s, i].tolist() for f, i in heads.items()},
                "r2": {g: self.r2[s, j].tolist() for j, g in enumerate(self.families)},
                "r2_spread": {g: self.r2_spread[s, j].tolist()
                              for j, g in enumerate(self.families)},
                "best_window": {f: int(self.window_times[w]) for f, w in best.items()},
                "best_r2": {f: float(self.r2[s, self.family_index(f), w])
                            for f, w in best.items()},
                "median_final_log_loss": (float(np.median(self.final_log_loss[s][
                    ~self.diverged[s]])) if self.n_used[s] else None),
            })
        return {"size": self.size, "seed": self.seed, "window_times": self.window_times.tolist(),
                "window": self.window, "features": list(self.features),
                "families": list(self.families), "headline": dict(HEADLINE),
                "n_steps": self.config.get("n_steps"), "k": self.config.get("k"),
                "n_boot": self.config.get("n_boot"), "n_folds": self.config.get("n_folds"),
                "n_repeats": self.config.get("n_repeats"), "settings": settings,
                "n_diverged_total": int(self.n_diverged.sum()), "seconds": self.seconds,
                "n_computed": self.n_computed}


def _fmt(x) -> str:
    return "  nan" if not np.isfinite(x) else f"{x:+.2f}"


# ----------------------------------------------------------------------------- one block of runs
def _make_task(name: str, seed: int):
    from esorma.sweeps import coordinate_key
    from esorma.training.tasks import make_regression_task

    ss = np.random.SeedSequence(entropy=seed, spawn_key=(coordinate_key(name),))
    return make_regression_task(name, rng=np.random.default_rng(ss),
                                **PREDICTION_TASKS[name]["params"])


def _record_steps(n_steps: int) -> np.ndarray:
    return np.unique(np.linspace(0, n_steps, 101).round().astype(np.int64))


def _run_block(point, *, spec: dict):
    """Sweep point: ``runs_per_point`` runs of one setting (module level: picklable)."""
    from esorma.sweeps import PointOutput

    t0 = time.perf_counter()
    c = point.coords
    task = _make_task(c["task"], spec["seed"])
    B = spec["runs_per_point"]
    seeds = point.seed_sequence().generate_state(B, dtype=np.uint32).astype(np.int64)
    common = dict(n_hidden=PREDICTION_TASKS[c["task"]]["n_hidden"],
                  activation=c["activation"], learning_rate=c["learning_rate"],
                  init_scale=spec["init_scale"], max_norm=spec["max_norm"])
    with single_threaded_blas():  # tiny matrices: BLAS threads only cost (20x on a busy machine)
        runs = [_one_run(task, int(seed), spec, common) for seed in seeds]
    arrays = {name: np.stack([r[i] for r in runs]) for i, name in enumerate(
        ("values", "final_log_loss", "diverged", "diverged_step", "log_loss_curves"))}
    return PointOutput({"run_seeds": seeds, **arrays},
                       {"seconds": time.perf_counter() - t0})


def _one_run(task, seed: int, spec: dict, common: dict):
    """One training run: (values (W, F), ln final loss, diverged, step, ln loss curve)."""
    from esorma.training.trajectory import train_network

    W, L, T = spec["n_windows"], spec["window"], spec["n_steps"]
    values, w, loss, step = _early_windows(task, seed, spec, common)
    bad = step >= 0
    parts = [loss]
    if not bad:
        rest = train_network(task, n_steps=T - W * L, k=0, window=T - W * L, w0=w, rng=seed,
                             **common)
        parts.append(np.asarray(rest.loss, dtype=np.float64))
        bad = bool(rest.diverged)
        step = W * L + int(rest.diverged_step) if bad else -1
    loss = np.concatenate(parts)
    loss = np.concatenate([loss, np.full(T + 1 - loss.size, np.nan)])  # NaN after divergence
    with np.errstate(divide="ignore", invalid="ignore"):
        logl = np.log(loss)
    values[:, 0] = logl[(np.arange(W) + 1) * L]
    if bad:
        values[step // L:] = np.nan  # windows that reach the divergence
    return values, (np.inf if bad else logl[T]), bad, step, logl[_record_steps(T)]


def _early_windows(task, seed: int, spec: dict, common: dict):
    """The first ``n_windows * window`` steps with ``k`` tangent vectors (Benettin / QR).

    FTLEs of window ``j``: the mean ``log R_ii`` over its steps, the orthonormal basis carried
    on from the start of training. CLVs at its midpoint ``m`` (Ginelli et al. 2007): ``Q_m C_m``
    with ``C`` iterated backward, ``C_t = R_t^{-1} C_{t+1}``, from a random upper-triangular
    matrix at the window's end. Returns (values (W, F) without the loss column, weights at
    the end, losses before each step, divergence step or -1).
    """
    from scipy.linalg import solve_triangular

    from esorma.training.lyapunov import clv_angle_stats
    from esorma.training.model import ThreeLayerNet, training_tangent
    from esorma.training.trajectory import hessian_extremes

    W, L, k = spec["n_windows"], spec["window"], spec["k"]
    eta, half = common["learning_rate"], L // 2
    net = ThreeLayerNet(task.n_inputs, common["n_hidden"], task.n_outputs, common["activation"])
    X, Y = task.X, task.Y
    # the streams of esorma.training.train_network(rng=seed): initial weights, (mini-batches,
    # unused), tangent vectors, Hessian eigenvectors
    r_init, _, r_tan, r_hess = np.random.default_rng(seed).spawn(4)
    w = net.init(r_init, common["init_scale"])
    Q = np.linalg.qr(r_tan.standard_normal((net.n_params, k)))[0]
    values = np.full((W, 1 + k + len(CLV_FEATURES)), np.nan)
    losses = []
    logs, Rs = np.empty((L, k)), np.empty((L, k, k))
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(W * L):
            j, tau = divmod(t, L)
            value, g = net.loss_and_grad(w, X, Y) if np.all(np.isfinite(w)) else (np.nan, w)
            if not (np.isfinite(value) and np.all(np.isfinite(g))) or \
                    np.linalg.norm(w) > common["max_norm"]:
                return values, w, np.asarray(losses), t
            losses.append(value)
            if tau == half:
                Q_mid, g_mid = Q.copy(), g / max(np.linalg.norm(g), 1e-300)
                u_mid = hessian_extremes(net, w, X, Y, rng=r_hess)[2]
            MQ = training_tangent(net, w, X, Y, Q, learning_rate=eta)
            if not np.all(np.isfinite(MQ)):
                return values, w, np.asarray(losses), t
            Q, R = np.linalg.qr(MQ)
            sign = np.where(np.diag(R) < 0, -1.0, 1.0)
            Q, R = Q * sign, R * sign[:, None]
            logs[tau] = np.log(np.maximum(np.abs(np.diag(R)), 1e-300))
            Rs[tau] = R
            w = w - eta * g
            if tau == L - 1:  # the window is complete
                C = np.triu(r_tan.standard_normal((k, k))) + 1e-3 * np.eye(k)
                for r in range(L - 1, half - 1, -1):
                    C = solve_triangular(Rs[r], C, lower=False, check_finite=False)
                    C /= np.linalg.norm(C, axis=0)
                V = Q_mid @ C
                values[j, 1:1 + k] = logs.mean(axis=0)
                values[j, 1 + k:3 + k] = clv_angle_stats(C)
                values[j, 3 + k] = abs(V[:, 0] @ g_mid)
                values[j, 4 + k] = abs(V[:, 0] @ u_mid)
    return values, w, np.asarray(losses), -1  # the next call checks the final weights


# ----------------------------------------------------------------------------- the study
def _statistics(values, target, diverged, *, k, n_boot, confidence, n_folds, n_repeats, ridge,
                seed):
    S, R, W, F = values.shape
    columns = {"loss": [0], "ftle": list(range(1, 1 + k)),
               "clv": list(range(1 + k, F)), "all": list(range(F))}
    gen = np.random.default_rng(np.random.SeedSequence(entropy=seed, spawn_key=(2**32 + 14,)))
    rho = np.full((S, F, W), np.nan)
    lo, hi = rho.copy(), rho.copy()
    n_pairs = np.zeros((S, F, W), dtype=np.int64)
    r2 = np.full((S, len(FAMILIES), W), np.nan)
    spread = r2.copy()
    for s in range(S):
        used = ~diverged[s] & np.isfinite(target[s])
        y = target[s, used]
        for w in range(W):
            X = values[s, used, w]
            for f in range(F):
                n_pairs[s, f, w] = int(np.sum(np.isfinite(X[:, f])))
                rho[s, f, w], lo[s, f, w], hi[s, f, w] = bootstrap_spearman(
                    X[:, f], y, n_boot=n_boot, confidence=confidence, rng=gen)
            for g, fam in enumerate(FAMILIES):
                if y.size >= n_folds:
                    r2[s, g, w], spread[s, g, w] = cross_validated_r2(
                        X[:, columns[fam]], y, n_folds=n_folds, n_repeats=n_repeats,
                        ridge=ridge, rng=gen)
    return rho, lo, hi, n_pairs, r2, spread


def _seed_of(rng) -> int:
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, (bool, np.bool_)):
        return check_int(rng, "rng", minimum=0)
    return int(as_rng(rng).integers(2**31))


def _axis(values, name, check):
    if isinstance(values, (str, int, float, np.integer, np.floating)):
        values = (values,)
    values = tuple(values)
    if not values:
        raise ValueError(f"{name} must not be empty")
    out = tuple(check(v) for v in values)
    if len(set(out)) != len(out):
        raise ValueError(f"{name} must not repeat values; got {list(values)}")
    return out


def prediction_study(
    size: str = "quick",
    *,
    tasks=None,
    activations=None,
    learning_rates=None,
    n_runs: int | None = None,
    runs_per_point: int | None = None,
    n_steps: int | None = None,
    window: int | None = None,
    n_windows: int | None = None,
    k: int | None = None,
    n_boot: int | None = None,
    n_folds: int | None = None,
    n_repeats: int | None = None,
    confidence: float = 0.95,
    ridge: float = 0.1,
    init_scale: float = 1.0,
    max_norm: float = 1e6,
    path=None,
    workers: int = 1,
    scheduler: str | None = None,
    dask: bool = False,
    progress: bool = False,
    rng=0,
) -> PredictionStudy:
    """Train many networks per setting; do early FTLEs / CLVs predict the final loss?

    For every setting (task x activation x learning rate) ``n_runs`` three-layer networks
    are trained by full-batch gradient descent on the MSE loss
    (:func:`esorma.training.train_network`) for ``n_steps`` steps from their own random
    initial weights, on one task drawn from the study seed. In ``n_windows`` consecutive
    windows of ``window`` steps from the start, the ``k`` leading FTLEs of the training map,
    the CLV features and the baseline ``ln loss`` are measured (module docstring); then
    Spearman's rho with the final ``ln loss`` (bootstrap interval) and the cross-validated R²
    of each feature family are computed, diverged runs left out and counted.

    Parameters
    ----------
    size : {"quick", "full"}
        A documented size (:data:`PREDICTION_SIZES`); every keyword below left at None takes
        the size's value. ``"full"``: 2 tasks x 2 activations x 2 learning rates x 100 runs.
    tasks : sequence of str
        Names of :data:`PREDICTION_TASKS` (``"teacher"``: regression on a random teacher
        network; ``"parity"``: 4-bit parity with ±1 targets).
    activations : sequence of {"tanh", "sigmoid", "relu", "linear"}
    learning_rates : sequence of float
    n_runs : int
        Runs per setting (>= 5), a multiple of ``runs_per_point``.
    runs_per_point : int
        Runs per sweep point (per commit of the results file).
    n_steps, window, n_windows : int
        Training steps; steps per window (even, >= 2); windows (``n_windows * window <
        n_steps``).
    k : int
        Leading exponents and CLVs (2 <= k <= number of weights).
    n_boot, confidence
        Bootstrap resamples and coverage of the intervals of rho.
    n_folds, n_repeats, ridge
        Cross-validation of R²: folds, random partitions, ridge penalty.
    init_scale, max_norm : float
        Initial weight scale; a run whose weight norm exceeds ``max_norm`` (or whose loss is
        not finite) has diverged.
    path : path-like, optional
        The sweep's results file (:mod:`esorma.sweeps`): finished blocks of runs are kept, a
        rerun with the same arguments resumes, a file of another configuration is refused.
        Without it the runs stay in memory.
    workers, scheduler, dask
        Execution (:func:`esorma.sweeps.run_sweep`): local processes, or a Dask scheduler
        address / a local Dask cluster.
    progress : bool
        A progress bar on stderr.
    rng : int, None or Generator
        The study seed (an int; drawn from a Generator or None). It sets the tasks, every
        run's initial weights and the bootstrap / cross-validation draws.

    Returns
    -------
    PredictionStudy

    Notes
    -----
    Cost (measured with ``experiments/learning_prediction.py``): the ``quick`` size (4
    settings x 16 runs of 600 steps) takes about 4 CPU seconds; the ``full`` size (8 settings
    x 200 runs of 4000 steps, 2000 bootstrap resamples) 333 CPU seconds, i.e. about 3 minutes
    on 2 idle cores (``workers=2``); it took 11 minutes of wall time on 2 cores shared with
    about 8 other busy processes.

    Examples
    --------
    >>> st = prediction_study("quick", tasks=["teacher"], learning_rates=[0.1], n_runs=8,
    ...                       n_steps=200, n_windows=2, n_boot=50, rng=0)
    >>> st.rho.shape, st.r2.shape, int(st.n_used[0] + st.n_diverged[0])
    ((1, 8, 2), (1, 4, 2), 8)
    """
    from esorma.sweeps import load_points, make_point, run_sweep
    from esorma.training.model import ACTIVATIONS

    size = check_choice(size, "size", tuple(PREDICTION_SIZES))
    base = dict(PREDICTION_SIZES[size])
    given = dict(tasks=tasks, activations=activations, learning_rates=learning_rates,
                 n_runs=n_runs, runs_per_point=runs_per_point, n_steps=n_steps, window=window,
                 n_windows=n_windows, k=k, n_boot=n_boot, n_folds=n_folds, n_repeats=n_repeats)
    overrides = {key: v for key, v in given.items() if v is not None}
    if n_runs is not None and runs_per_point is None:
        overrides["runs_per_point"] = max(d for d in range(1, min(10, n_runs) + 1)
                                          if n_runs % d == 0) if isinstance(
            n_runs, (int, np.integer)) and n_runs > 0 else 1
    p = {**base, **overrides}
    label = size if not overrides else "custom"
    tasks = _axis(p["tasks"], "tasks", lambda v: check_choice(v, "tasks", tuple(PREDICTION_TASKS)))
    acts = _axis(p["activations"], "activations",
                 lambda v: check_choice(v, "activations", ACTIVATIONS))
    lrs = _axis(p["learning_rates"], "learning_rates",
                lambda v: check_real(v, "learning_rates", minimum=0.0, strict_min=True))
    n_runs = check_int(p["n_runs"], "n_runs", minimum=5)
    per = check_int(p["runs_per_point"], "runs_per_point", minimum=1)
    if n_runs % per:
        raise ValueError(f"n_runs must be a multiple of runs_per_point = {per}; got {n_runs}")
    window = check_int(p["window"], "window", minimum=2)
    if window % 2:
        raise ValueError(f"window must be even (its CLVs are taken at its midpoint); got "
                         f"{window}")
    n_windows = check_int(p["n_windows"], "n_windows", minimum=1)
    n_steps = check_int(p["n_steps"], "n_steps", minimum=1)
    if n_windows * window >= n_steps:
        raise ValueError(f"n_steps must exceed n_windows * window = {n_windows * window}; "
                         f"got {n_steps}")
    k = check_int(p["k"], "k", minimum=2)
    n_boot = check_int(p["n_boot"], "n_boot", minimum=0)
    n_folds = check_int(p["n_folds"], "n_folds", minimum=2)
    if n_folds > n_runs:
        raise ValueError(f"n_folds must be <= n_runs = {n_runs}; got {n_folds}")
    n_repeats = check_int(p["n_repeats"], "n_repeats", minimum=1)
    confidence = check_real(confidence, "confidence", minimum=0.0, maximum=1.0,
                            strict_min=True, strict_max=True)
    ridge = check_real(ridge, "ridge", minimum=0.0)
    init_scale = check_real(init_scale, "init_scale", minimum=0.0, strict_min=True)
    max_norm = check_real(max_norm, "max_norm", minimum=0.0, strict_min=True)
    seed = _seed_of(rng)
    for name in tasks:
        n_params = _n_params(name)
        if k > n_params:
            raise ValueError(f"k must be <= the number of weights ({n_params} for task "
                             f"{name!r}); got {k}")

    spec = {"seed": seed, "tasks": list(tasks), "activations": list(acts),
            "learning_rates": list(lrs), "n_runs": n_runs, "runs_per_point": per,
            "n_steps": n_steps, "window": window, "n_windows": n_windows, "k": k,
            "init_scale": init_scale, "max_norm": max_norm,
            "task_specs": {t: PREDICTION_TASKS[t] for t in tasks}}
    settings = [(t, a, lr) for t in tasks for a in acts for lr in lrs]
    n_blocks = n_runs // per
    points = [make_point({"task": t, "activation": a, "learning_rate": lr, "block": b},
                         seed=seed, index=i * n_blocks + b)
              for i, (t, a, lr) in enumerate(settings) for b in range(n_blocks)]
    t0 = time.perf_counter()
    report = run_sweep(functools.partial(_run_block, spec=spec), points, path=path,
                       kind="PredictionSweep", config=spec, seed=seed, workers=workers,
                       scheduler=scheduler, dask=dask, progress=progress,
                       desc="prediction study")
    if path is None:
        outputs = {key: out.arrays for key, out in report.outputs.items()}
    else:
        _, stored = load_points(path)
        outputs = {key: pt.arrays for key, pt in stored.items()}
    S, W, F = len(settings), n_windows, len(_feature_names(k))
    rec = _record_steps(n_steps)
    arrays = {"run_seeds": np.zeros((S, n_runs), np.int64),
              "values": np.full((S, n_runs, W, F), np.nan),
              "final_log_loss": np.full((S, n_runs), np.inf),
              "diverged": np.zeros((S, n_runs), bool),
              "diverged_step": np.full((S, n_runs), -1, np.int64),
              "log_loss_curves": np.full((S, n_runs, rec.size), np.nan)}
    for j, pt in enumerate(points):
        s, b = divmod(j, n_blocks)
        out = outputs[pt.key]
        for name, arr in arrays.items():
            arr[s, b * per:(b + 1) * per] = out[name]
    stats = _statistics(arrays["values"], arrays["final_log_loss"], arrays["diverged"], k=k,
                        n_boot=n_boot, confidence=confidence, n_folds=n_folds,
                        n_repeats=n_repeats, ridge=ridge, seed=seed)
    rho, lo, hi, n_pairs, r2, spread = stats
    config = {**spec, "size": label, "n_boot": n_boot, "confidence": confidence,
              "n_folds": n_folds, "n_repeats": n_repeats, "ridge": ridge}
    del config["seed"]
    return PredictionStudy(
        tasks=np.array([s[0] for s in settings]), activations=np.array([s[1] for s in settings]),
        learning_rates=np.array([s[2] for s in settings], dtype=np.float64),
        window_times=(np.arange(W, dtype=np.int64) + 1) * window, window=window,
        features=_feature_names(k), families=FAMILIES, **arrays, rho=rho, rho_low=lo,
        rho_high=hi, r2=r2, r2_spread=spread,
        n_used=(~arrays["diverged"]).sum(axis=1).astype(np.int64), n_pairs=n_pairs,
        record_steps=rec, config=config, seed=seed, size=label,
        seconds=round(time.perf_counter() - t0, 3), n_computed=int(report.n_computed))


def _n_params(task: str) -> int:
    spec = PREDICTION_TASKS[task]
    n_in = spec["params"]["n_inputs"]
    h = spec["n_hidden"]
    return h * n_in + h + h + 1

"""A faster start: phase 1 of training solved in closed form, then gradient descent.

The linearised training dynamics
--------------------------------
Near the initial weights ``theta_0`` the gradient field is, to first order,
``grad L(theta) ~ g_0 + H (theta - theta_0)`` with ``g_0 = grad L(theta_0)`` and ``H`` the
exact Hessian at ``theta_0``. Full-batch gradient descent ``theta_{t+1} = theta_t - eta grad
L(theta_t)`` on this linear field is a linear recursion for ``delta_t = theta_t - theta_0``::

    delta_{t+1} = (I - eta H) delta_t - eta g_0,   delta_0 = 0,

whose solution is ``delta_t = -eta sum_{s<t} (I - eta H)^s g_0``. With ``H = U diag(mu) U^T``
and ``c = U^T g_0`` this is, mode by mode,

    delta_t = - U [ phi_t(mu_k) c_k ]_k,   phi_t(mu) = (1 - (1 - eta mu)^t) / mu,

with ``phi_t(0) = eta t`` (a flat mode moves at constant speed). This is the formula
``w(t) = w_0 - (I - (I - eta K)^t) K^+ g`` with ``K = H`` (on the range of ``H``) plus the
constant-speed motion on its null space. Positive modes relax to ``-c_k / mu_k`` (the Newton
step of the quadratic model); negative modes (the saddle a small initialisation sits near)
grow like ``(1 + eta |mu|)^t``: the closed form contains the escape from the saddle that
gradient descent spends its plateau on. (Keeping only the Gauss-Newton part of ``H`` -- the
linearised network under a second-order expansion of the cross-entropy, the tangent-kernel
model -- would drop those negative modes, and with them the escape; the full Hessian is used.)

One eigendecomposition (``O(P^3)``) gives ``theta_t`` for every ``t``. :func:`linear_jump`
jumps to the largest ``t`` for which the linearisation still holds, and gradient descent takes
over from there.

The handover rule (documented threshold)
----------------------------------------
The linearisation error at ``t`` is the relative error of the predicted gradient::

    e(t) = || grad L(theta_t) - (g_0 + H delta_t) || / || g_0 + H delta_t ||.

The jump goes to the largest ``t <= max_epochs`` with ``e(t) <= max_error`` (default
``JUMP_MAX_ERROR = 0.1``, the tolerance of the linear-phase rule of
:mod:`esorma.bridge.phases`), found by doubling ``t`` until the error first exceeds the
threshold and then bisecting between the last good and the first bad ``t`` (one gradient per
probe, ``O(log t)`` probes).

:func:`fast_start_study` compares plain gradient descent with jump + gradient descent from
the same initial weights: epochs and wall time to zero training error and to the saturated
phase (the stop rule of :func:`~esorma.bridge.train_mlp`), per task and seed, with the
median ratio (fast / plain) and its bootstrap CI.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field

import numpy as np

from esorma._results import summarized
from esorma._validation import check_int, check_real
from esorma.bridge._studies import bootstrap_ci, grouped_scalars, run_points

__all__ = [
    "JUMP_MAX_ERROR",
    "JumpResult",
    "linearised_trajectory",
    "linear_jump",
    "FastStartStudy",
    "fast_start_study",
    "fast_start_point",
    "STUDY_TASKS",
]

JUMP_MAX_ERROR = 0.1
KIND = "bridge-fast-start"


def _hessian(theta, shapes, act, X, y, output="sigmoid"):
    from esorma.bridge.model import _hvp

    P = theta.size
    H = np.empty((P, P))
    for j0 in range(0, P, 64):
        H[:, j0 : j0 + 64] = _hvp(theta, shapes, act, X, y, np.eye(P)[:, j0 : j0 + 64], output)
    return 0.5 * (H + H.T)


def _phi(mu, eta, t):
    """``(1 - (1 - eta mu)^t) / mu`` per mode, stable near ``mu = 0`` (limit ``eta t``)."""
    x = eta * mu
    out = np.empty_like(mu)
    small = np.abs(x) < 0.5
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        xs = x[small]
        ms = np.where(xs == 0, 1.0, mu[small])
        val = -np.expm1(t * np.log1p(-xs)) / ms
        out[small] = np.where(xs == 0, eta * t, val)
        big = ~small
        out[big] = (1.0 - np.power(1.0 - x[big], t)) / mu[big]
    return out


def linearised_trajectory(net, X, y, epochs, *, learning_rate: float) -> np.ndarray:
    """``theta_t`` of gradient descent on the linearised gradient field, for each ``t`` given.

    Returns an array ``(len(epochs), n_params)`` (see the module docstring for the formula).

    Examples
    --------
    >>> import numpy as np
    >>> from esorma.bridge import init_mlp, xor_task
    >>> t = xor_task(); net = init_mlp((2, 2, 1), rng=0)
    >>> th = linearised_trajectory(net, t.X, t.y, [0, 1], learning_rate=0.5)
    >>> from esorma.bridge import loss_and_grad
    >>> bool(np.allclose(th[1], net.params - 0.5 * loss_and_grad(net, t.X, t.y)[1]))
    True
    """
    from esorma.bridge.model import _check_X, _check_y, _loss_grad

    eta = check_real(learning_rate, "learning_rate", minimum=0.0, strict_min=True)
    X = _check_X(X, net.n_inputs)
    y = _check_y(y, X.shape[0], net.n_outputs, net.output)
    theta0 = net.params
    _, g0 = _loss_grad(theta0, net.shapes, net.activation, X, y, output=net.output)
    mu, U = np.linalg.eigh(_hessian(theta0, net.shapes, net.activation, X, y, net.output))
    c = U.T @ g0
    ts = np.atleast_1d(np.asarray(epochs))
    return np.stack([theta0 - U @ (_phi(mu, eta, int(t)) * c) for t in ts])


@summarized
@dataclass(frozen=True)
class JumpResult:
    """The closed-form jump over the linear phase (see :func:`linear_jump`).

    Attributes
    ----------
    network : MLP
        The network at ``theta_t`` of the linearised dynamics.
    epochs : int
        ``t``: gradient-descent epochs the jump stands for.
    error : float
        Linearisation error ``e(t)`` at the jump (<= ``max_error``).
    probes : ndarray, shape (k, 2)
        Every ``(t, e(t))`` evaluated by the search.
    seconds : float
        Wall time of the Hessian, its eigendecomposition and the search.
    """

    network: object
    epochs: int
    error: float
    probes: np.ndarray = field(metadata={"description": "(t, e(t)) evaluated by the search"})
    seconds: float = field(default=0.0, metadata={"unit": "s"})


def linear_jump(net, X, y, *, learning_rate: float, max_error: float = JUMP_MAX_ERROR,
                max_epochs: int = 100_000) -> JumpResult:
    """Jump ahead over the linear phase of gradient descent in closed form.

    Parameters
    ----------
    net : MLP
        The initial network.
    X, y : arrays
        Training data.
    learning_rate : float
        The learning rate of the gradient descent that the jump stands for.
    max_error : float
        Handover threshold on the linearisation error ``e(t)`` (module docstring).
    max_epochs : int
        Longest jump.

    Examples
    --------
    >>> from esorma.bridge import init_mlp, xor_task
    >>> t = xor_task(); net = init_mlp((2, 3, 1), init_scale=0.1, rng=1)
    >>> j = linear_jump(net, t.X, t.y, learning_rate=0.2)
    >>> j.epochs > 10, j.error <= 0.1
    (True, True)
    """
    from esorma.bridge.model import MLP, _check_X, _check_y, _loss_grad

    if not isinstance(net, MLP):
        raise TypeError(f"net must be an MLP; got {type(net).__name__}")
    eta = check_real(learning_rate, "learning_rate", minimum=0.0, strict_min=True)
    max_error = check_real(max_error, "max_error", minimum=0.0, strict_min=True)
    max_epochs = check_int(max_epochs, "max_epochs", minimum=0)
    t0 = time.perf_counter()
    X = _check_X(X, net.n_inputs)
    y = _check_y(y, X.shape[0], net.n_outputs, net.output)
    sh, act, out = net.shapes, net.activation, net.output
    theta0 = net.params
    _, g0 = _loss_grad(theta0, sh, act, X, y, output=out)
    H = _hessian(theta0, sh, act, X, y, out)
    mu, U = np.linalg.eigh(H)
    c = U.T @ g0
    probes = []

    def err(t):
        delta = -U @ (_phi(mu, eta, t) * c)
        if not np.all(np.isfinite(delta)):
            e = np.inf
        else:
            with np.errstate(over="ignore", invalid="ignore"):
                lo, g = _loss_grad(theta0 + delta, sh, act, X, y, output=out)
                pred = g0 + H @ delta
                den = np.linalg.norm(pred)
                e = float(np.linalg.norm(g - pred) / den) if den > 0 else 0.0
            if not (np.isfinite(lo) and np.isfinite(e)):
                e = np.inf
        probes.append((t, e))
        return e

    good, bad = 0, None
    t = 1
    while t <= max_epochs:
        if err(t) <= max_error:
            good, t = t, 2 * t
        else:
            bad = t
            break
    if bad is None and good < max_epochs and err(max_epochs) <= max_error:
        good = max_epochs
    elif bad is None:
        bad = max_epochs
    while bad is not None and bad - good > 1:
        mid = (good + bad) // 2
        if err(mid) <= max_error:
            good = mid
        else:
            bad = mid
    theta = theta0 - U @ (_phi(mu, eta, good) * c) if good > 0 else theta0.copy()
    e_good = 0.0 if good == 0 else float(dict(probes)[good])
    return JumpResult(network=net.with_params(theta), epochs=int(good), error=e_good,
                      probes=np.asarray(probes, dtype=np.float64).reshape(-1, 2),
                      seconds=time.perf_counter() - t0)


# ----------------------------------------------------------------------------- the study
#: Tasks of :func:`fast_start_study`: (task parameters, hidden widths, learning rate).
STUDY_TASKS = {
    "xor": ({}, (3,), 2.0),
    "multiplexer": ({}, (12,), 4.0),
    "threshold_rule": ({"n_samples": 200, "n_inputs": 4, "rule": "and"}, (4,), 2.0),
}

_METRICS = ("plain_epochs_zero", "plain_epochs_saturated", "fast_epochs_zero",
            "fast_epochs_saturated", "jump_epochs", "jump_error", "plain_seconds_zero",
            "plain_seconds_saturated", "fast_seconds_zero", "fast_seconds_saturated",
            "jump_seconds")


@summarized
@dataclass(frozen=True)
class FastStartStudy:
    """Plain gradient descent against closed-form jump + gradient descent, per task and seed.

    Arrays have shape ``(n_tasks, n_seeds)``; NaN where a milestone was not reached within
    ``n_epochs``. ``fast_epochs_*`` count gradient-descent epochs actually run after the jump
    (the jump stands for ``jump_epochs`` more); ``*_seconds_*`` are wall times (for the fast
    start, jump included). The time to zero error is the run's gradient-descent time
    apportioned per epoch (every full-batch epoch costs the same) plus, for the fast start,
    the jump.

    Attributes
    ----------
    tasks : tuple of str
    plain_epochs_zero, plain_epochs_saturated, fast_epochs_zero, fast_epochs_saturated : ndarray
    jump_epochs, jump_error, jump_seconds : ndarray
    plain_seconds_zero, plain_seconds_saturated, fast_seconds_zero, fast_seconds_saturated
    config : dict
    seed : int
    seconds : float
    n_computed, n_skipped : int
    """

    tasks: tuple
    plain_epochs_zero: np.ndarray = field(metadata={"unit": "epoch"})
    plain_epochs_saturated: np.ndarray = field(metadata={"unit": "epoch"})
    fast_epochs_zero: np.ndarray = field(metadata={"unit": "epoch"})
    fast_epochs_saturated: np.ndarray = field(metadata={"unit": "epoch"})
    jump_epochs: np.ndarray = field(metadata={"unit": "epoch"})
    jump_error: np.ndarray = field(metadata={"description": "linearisation error at the jump"})
    plain_seconds_zero: np.ndarray = field(metadata={"unit": "s"})
    plain_seconds_saturated: np.ndarray = field(metadata={"unit": "s"})
    fast_seconds_zero: np.ndarray = field(metadata={"unit": "s"})
    fast_seconds_saturated: np.ndarray = field(metadata={"unit": "s"})
    jump_seconds: np.ndarray = field(metadata={"unit": "s"})
    config: dict
    seed: int
    seconds: float = field(default=0.0, metadata={"unit": "s"})
    n_computed: int = 0
    n_skipped: int = 0

    def __post_init__(self):
        object.__setattr__(self, "tasks", tuple(self.tasks))

    def ratios(self, milestone: str = "saturated", measure: str = "epochs") -> np.ndarray:
        """``fast / plain`` per task and seed (NaN where either did not reach the milestone)."""
        f = getattr(self, f"fast_{measure}_{milestone}")
        p = getattr(self, f"plain_{measure}_{milestone}")
        with np.errstate(divide="ignore", invalid="ignore"):
            r = f / p
        return np.where(np.isfinite(r), r, np.nan)

    def ratio_stats(self, milestone: str = "saturated", measure: str = "epochs") -> np.ndarray:
        """``(n_tasks, 3)``: median ratio and its 95 % bootstrap CI over seeds."""
        r = self.ratios(milestone, measure)
        return np.array([bootstrap_ci(r[i], rng=i) for i in range(r.shape[0])])

    def summary(self) -> dict:
        out = {"n_seeds": int(self.jump_epochs.shape[1]), "tasks": {}}
        for i, task in enumerate(self.tasks):
            d = {"median_jump_epochs": float(np.median(self.jump_epochs[i]))}
            for ms in ("zero", "saturated"):
                for me in ("epochs", "seconds"):
                    d[f"ratio_{me}_{ms}"] = self.ratio_stats(ms, me)[i].tolist()
                d[f"reached_{ms}_plain"] = float(np.mean(np.isfinite(
                    getattr(self, f"plain_epochs_{ms}")[i])))
                d[f"reached_{ms}_fast"] = float(np.mean(np.isfinite(
                    getattr(self, f"fast_epochs_{ms}")[i])))
            out["tasks"][task] = d
        return out


def _study_task(name, gen):
    from esorma.bridge.tasks import make_task

    params, hidden, lr = STUDY_TASKS[name]
    return make_task(name, rng=gen, **params), hidden, lr


def _milestones(res, seconds, check_every):
    """Epochs and seconds to zero error and to the saturated stop (NaN if not reached)."""
    err = res.history.error
    hit = np.flatnonzero(err == 0.0)
    run = res.n_epochs_run
    e_zero = float(res.history.epochs[hit[0]]) if hit.size else np.nan
    stopped = run < res.config["n_epochs"]
    e_sat = float(run) if stopped else np.nan
    per_epoch = seconds / max(run, 1)
    return e_zero, e_sat, e_zero * per_epoch, (seconds if stopped else np.nan)


def fast_start_point(point, *, config: dict):
    """One (task, seed index) point: plain GD and jump + GD from the same initial weights."""
    from esorma.bridge.model import init_mlp
    from esorma.bridge.training import train_mlp
    from esorma.sweeps import PointOutput

    gen = point.rng()
    task, hidden, lr = _study_task(point.coords["task"], gen)
    lr = lr * config.get("learning_rate_scale", 1.0)
    y = task.y
    n_out = 1
    net0 = init_mlp((task.n_inputs, *hidden, n_out), "sigmoid",
                    init_scale=config["init_scale"], rng=gen)
    ce, n_ep = config["check_every"], config["n_epochs"]
    kw = dict(learning_rate=lr, stop_on="saturated", check_every=ce, record_every=1)
    t0 = time.perf_counter()
    plain = train_mlp(X=task.X, y=y, init=net0, n_epochs=n_ep, **kw)
    plain_s = time.perf_counter() - t0
    jump = linear_jump(net0, task.X, y, learning_rate=lr, max_error=config["max_error"],
                       max_epochs=n_ep)
    t0 = time.perf_counter()
    fast = train_mlp(X=task.X, y=y, init=jump.network, n_epochs=n_ep, **kw)
    fast_s = time.perf_counter() - t0
    pz, ps, pzs, pss = _milestones(plain, plain_s, ce)
    fz, fs, fzs, fss = _milestones(fast, fast_s, ce)
    vals = {"plain_epochs_zero": pz, "plain_epochs_saturated": ps, "fast_epochs_zero": fz,
            "fast_epochs_saturated": fs, "jump_epochs": float(jump.epochs),
            "jump_error": jump.error, "plain_seconds_zero": pzs,
            "plain_seconds_saturated": pss, "fast_seconds_zero": fzs + jump.seconds,
            "fast_seconds_saturated": fss + jump.seconds, "jump_seconds": jump.seconds}
    return PointOutput({k: np.asarray(v, dtype=np.float64) for k, v in vals.items()}, {})


def fast_start_study(
    tasks=("xor", "multiplexer", "threshold_rule"), *, n_seeds: int = 20,
    init_scale: float = 0.1, max_error: float = JUMP_MAX_ERROR, n_epochs: int = 20_000,
    check_every: int = 10, learning_rate_scale: float = 1.0, checkpoint=None, progress: bool = False, seed: int = 0,
) -> FastStartStudy:
    """Compare plain gradient descent with the closed-form jump + gradient descent.

    Parameters
    ----------
    tasks : sequence of str
        Keys of :data:`STUDY_TASKS` (hidden widths and learning rates per task).
    n_seeds : int
        Seeds per task (each: a new task draw where random, new initial weights).
    init_scale : float
        Initial weight scale (small: a long linear phase).
    max_error : float
        Handover threshold of :func:`linear_jump`.
    n_epochs : int
        Most gradient-descent epochs per run.
    check_every : int
        Epochs between checks of the saturated stop rule (its resolution).
    learning_rate_scale : float
        Multiplies every task's learning rate (smaller: a longer linear phase).
    checkpoint : path, optional
        HDF5 file receiving each finished point (resumed when rerun with the same settings).

    Examples
    --------
    >>> r = fast_start_study(("xor",), n_seeds=2, n_epochs=300)
    >>> r.jump_epochs.shape
    (1, 2)
    """
    from esorma.sweeps import make_point

    tasks = tuple(tasks)
    for t in tasks:
        if t not in STUDY_TASKS:
            raise ValueError(f"tasks must be keys of STUDY_TASKS ({', '.join(STUDY_TASKS)}); "
                             f"got {t!r}")
    n_seeds = check_int(n_seeds, "n_seeds", minimum=1)
    config = {"tasks": list(tasks), "n_seeds": n_seeds,
              "init_scale": check_real(init_scale, "init_scale", minimum=0.0),
              "max_error": check_real(max_error, "max_error", minimum=0.0, strict_min=True),
              "n_epochs": check_int(n_epochs, "n_epochs", minimum=1),
              "check_every": check_int(check_every, "check_every", minimum=1)}
    if learning_rate_scale != 1.0:  # older checkpoints (no key) resume unchanged
        config["learning_rate_scale"] = check_real(learning_rate_scale, "learning_rate_scale",
                                                   minimum=0.0, strict_min=True)
    seed = check_int(seed, "seed", minimum=0)
    t0 = time.perf_counter()
    points = [make_point({"task": t, "seed_index": i}, seed=seed, index=k)
              for k, (t, i) in enumerate((t, i) for t in tasks for i in range(n_seeds))]
    func = functools.partial(fast_start_point, config=config)
    outs, n_comp, n_skip = run_points(func, points, checkpoint=checkpoint, kind=KIND,
                                      config=config, seed=seed, progress=progress)
    arrays = grouped_scalars(outs, points, _METRICS, len(tasks))
    return FastStartStudy(tasks=tasks, config=config, seed=seed,
                          seconds=time.perf_counter() - t0, n_computed=n_comp,
                          n_skipped=n_skip, **arrays)

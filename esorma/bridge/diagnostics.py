"""Per-epoch diagnostics of training: saturation, weight motion, linearisation, Lyapunov.

Everything is computed from a :class:`~esorma.bridge.training.TrainResult` (its recorded parameter
history and training inputs), so that a network trained elsewhere can be analysed the same way
from a stack of parameter snapshots.

Definitions (per recorded epoch ``t``; hidden activations over every training input)
-----------------------------------------------------------------------------------
``u``
    A hidden activation rescaled to ``[-1, 1]``: ``2a - 1`` for a sigmoid, ``a`` for a tanh.
    ``u = 0`` is the linear centre, ``|u| = 1`` full saturation.
saturated_fraction
    Fraction of (unit, input) pairs with ``|u| >= 1 - 2 margin`` (sigmoid: ``a <= margin`` or
    ``a >= 1 - margin``).
saturated_units
    Fraction of hidden units saturated on every input.
saturation
    ``mean |u|``: the first absolute moment of the activation histogram (0 for activations
    piled at the centre, 1 for a histogram with all mass at the two ends).
binary_agreement
    Fraction of training inputs on which the *binarised* network (every hidden unit replaced
    by its saturated value) gives the same output bit as the real network; 1 means the
    extracted formula is faithful on the training set at that epoch (NaN for ReLU).
sign_flip_rate
    Fraction of parameters whose update ``theta_t - theta_{t-1}`` has the opposite sign to the
    previous update (NaN for the first two records; :func:`sign_flip_rate`). Per epoch only
    when every epoch is recorded (``train_mlp(record_every=1)``).
relative_change
    ``||theta_t - theta_0|| / ||theta_0||``.
linearisation_error
    ``||z(theta_t) - z_lin(theta_t)|| / ||z(theta_t) - z(theta_0)||`` where ``z`` are the output
    logits on all inputs and ``z_lin = z(theta_0) + J(theta_0) (theta_t - theta_0)`` is the
    first-order Taylor model around the initial weights (exact JVP). 0 while nothing moved.
lyapunov
    Leading finite-time Lyapunov exponent (per step) of the full-batch gradient-descent map
    ``theta -> theta - eta grad L(theta)`` over the window that contains the epoch, by
    Benettin/QR on the tangent map ``I - eta H`` with exact Hessian-vector products
    (:func:`esorma.stability.maps.map_lyapunov`). Sharafi, Martin & Hallerberg
    (arXiv:2405.00743) relate such exponents to the final loss.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from esorma._results import summarized
from esorma._validation import check_int, check_real

__all__ = ["PhaseDiagnostics", "phase_diagnostics", "gd_lyapunov", "sign_flip_rate"]


@summarized
@dataclass(frozen=True)
class PhaseDiagnostics:
    """Training diagnostics per recorded epoch (see the module docstring for definitions).

    Attributes
    ----------
    epochs, loss, error : ndarray, shape (m,)
    saturated_fraction, saturated_units, saturation, binary_agreement : ndarray, shape (m,)
    histograms : ndarray, shape (m, n_bins)
        Normalised histograms of the rescaled hidden activations ``u`` over ``bin_edges``.
    bin_edges : ndarray, shape (n_bins + 1,)
    sign_flip_rate, relative_change, linearisation_error : ndarray, shape (m,)
    lyapunov : ndarray, shape (m,)
        FTLE of the window containing each epoch (NaN outside computed windows).
    lyapunov_windows : ndarray of int, shape (w, 2)
        First and last epoch of each window.
    lyapunov_values, lyapunov_stderr : ndarray, shape (w,)
    margin : float
        The saturation margin used.
    learning_rate : float
        Learning rate of the gradient-descent map.
    activation : str
    """

    epochs: np.ndarray = field(metadata={"unit": "epoch", "description": "recorded epochs"})
    loss: np.ndarray = field(metadata={"unit": "nats per output",
                                       "description": "full-data binary cross-entropy"})
    error: np.ndarray = field(metadata={"unit": "fraction",
                                        "description": "misclassified (input, output) pairs"})
    saturated_fraction: np.ndarray = field(metadata={
        "unit": "fraction", "description": "(unit, input) pairs within the saturation margin"})
    saturated_units: np.ndarray = field(metadata={
        "unit": "fraction", "description": "hidden units saturated on every input"})
    saturation: np.ndarray = field(metadata={
        "description": "mean |u| of the rescaled hidden activations (0 centre, 1 saturated)"})
    binary_agreement: np.ndarray = field(metadata={
        "unit": "fraction", "description": "inputs where the binarised network = the real one"})
    histograms: np.ndarray = field(metadata={
        "unit": "fraction", "description": "histogram of u per recorded epoch (rows)"})
    bin_edges: np.ndarray = field(metadata={"description": "histogram bin edges in u"})
    sign_flip_rate: np.ndarray = field(metadata={
        "unit": "fraction", "description": "parameters whose update changed sign"})
    relative_change: np.ndarray = field(metadata={
        "description": "||theta_t - theta_0|| / ||theta_0||"})
    linearisation_error: np.ndarray = field(metadata={
        "description": "relative error of the linearised logits around theta_0"})
    lyapunov: np.ndarray = field(metadata={
        "unit": "per step", "description": "leading FTLE of the window containing the epoch"})
    lyapunov_windows: np.ndarray = field(metadata={
        "unit": "epoch", "description": "first and last epoch of each Lyapunov window"})
    lyapunov_values: np.ndarray = field(metadata={
        "unit": "per step", "description": "leading FTLE of the GD map per window"})
    lyapunov_stderr: np.ndarray = field(metadata={
        "unit": "per step", "description": "standard error of lyapunov_values"})
    margin: float
    learning_rate: float
    activation: str

    def as_arrays(self) -> dict:
        """All array fields by name."""
        return {k: v for k, v in self.__dict__.items() if isinstance(v, np.ndarray)}


#: Use the vectorised path for one-hidden-layer networks (tests switch it off to compare).
_VECTORISE = True


def sign_flip_rate(params) -> np.ndarray:
    """Fraction of parameters whose update changed sign, per record of a parameter history.

    With ``d_t = theta_t - theta_{t-1}`` (the update that led to record ``t``), entry ``t`` is
    the fraction, among parameters with ``d_t != 0`` and ``d_{t-1} != 0``, of those with
    ``sign(d_t) != sign(d_{t-1})`` (0 when no parameter moved in both; NaN for ``t < 2``).
    Recorded every epoch, it is the per-epoch rate of sign flips of the weight updates.

    Parameters
    ----------
    params : array_like, shape (m, n_params)
        Flat parameters per record (first row: the initialisation).

    Returns
    -------
    ndarray, shape (m,)

    Examples
    --------
    Gradient descent on ``w^2 / 2`` with learning rate 2.5 overshoots the minimum at every
    step (``w <- -1.5 w``), so every update flips; with learning rate 0.5 none does:

    >>> w = 1.0 * (-1.5) ** np.arange(6)
    >>> sign_flip_rate(w[:, None]).tolist()
    [nan, nan, 1.0, 1.0, 1.0, 1.0]
    >>> sign_flip_rate((0.5 ** np.arange(6))[:, None])[2:].tolist()
    [0.0, 0.0, 0.0, 0.0]
    """
    P = np.asarray(params, dtype=np.float64)
    if P.ndim != 2:
        raise ValueError(f"params must have shape (m, n_params); got {P.shape}")
    m = P.shape[0]
    flips = np.full(m, np.nan)
    if m < 3:
        return flips
    d = np.diff(P, axis=0)
    a, b = d[1:], d[:-1]
    both = (a != 0) & (b != 0)
    n_both = both.sum(axis=1)
    n_flip = (both & (np.sign(a) != np.sign(b))).sum(axis=1)
    flips[2:] = np.where(n_both > 0, n_flip / np.maximum(n_both, 1), 0.0)
    return flips


def _agreement(zb, z, output):
    """Fraction of inputs where the binarised logits ``zb`` give the real network's output."""
    if output == "softmax":
        return np.mean(np.argmax(zb, axis=-1) == np.argmax(z, axis=-1), axis=-1)
    return np.mean((zb > 0) == (z > 0), axis=(-2, -1))


def _one_hidden_layer_diagnostics(params, shapes, act, output, X, edges, thr, chunk=256):
    """Saturation, agreement, histograms and linearisation error of every record at once.

    Vectorised over records for a network with one sigmoid/tanh hidden layer; gives the same
    numbers as the record-by-record loop of :func:`phase_diagnostics` (a test checks it).
    """
    from esorma.bridge.model import _act, _act_d1

    (H, n), (O, _) = shapes
    m = params.shape[0]
    nb = edges.size - 1
    out = {k: np.empty(m) for k in ("sat_frac", "sat_units", "sat", "agree", "lin_err")}
    hists = np.empty((m, nb))

    def split(P):
        i = 0
        W1 = P[:, i: i + H * n].reshape(-1, H, n)
        i += H * n
        b1 = P[:, i: i + H]
        i += H
        W2 = P[:, i: i + O * H].reshape(-1, O, H)
        i += O * H
        return W1, b1, W2, P[:, i: i + O]

    theta0 = params[0]
    W10, b10, W20, b20 = (a[0] for a in split(theta0[None, :]))
    a0 = X @ W10.T + b10
    h0 = _act(act, a0)
    z0 = h0 @ W20.T + b20
    d0 = _act_d1(act, a0, h0)
    for s in range(0, m, chunk):
        P = params[s: s + chunk]
        W1, b1, W2, b2 = split(P)
        a1 = np.einsum("bn,thn->tbh", X, W1) + b1[:, None, :]
        h = _act(act, a1)
        z = np.einsum("tbh,toh->tbo", h, W2) + b2[:, None, :]
        u = 2.0 * h - 1.0 if act == "sigmoid" else h
        au = np.abs(u)
        satm = au >= thr
        out["sat_frac"][s: s + len(P)] = satm.mean(axis=(1, 2))
        out["sat_units"][s: s + len(P)] = satm.all(axis=1).mean(axis=1)
        out["sat"][s: s + len(P)] = au.mean(axis=(1, 2))
        idx = np.clip(np.searchsorted(edges, np.clip(u, -1.0, 1.0), side="right") - 1, 0,
                      nb - 1).reshape(len(P), -1)
        cnt = np.stack([np.bincount(r, minlength=nb) for r in idx]).astype(np.float64)
        hists[s: s + len(P)] = cnt / np.maximum(cnt.sum(axis=1, keepdims=True), 1)
        hb = (a1 > 0).astype(np.float64) if act == "sigmoid" else np.where(a1 > 0, 1.0, -1.0)
        zb = np.einsum("tbh,toh->tbo", hb, W2) + b2[:, None, :]
        out["agree"][s: s + len(P)] = _agreement(zb, z, output)
        dW1, db1, dW2, db2 = split(P - theta0)
        r1 = np.einsum("bn,thn->tbh", X, dW1) + db1[:, None, :]
        dz = (np.einsum("bh,toh->tbo", h0, dW2) + db2[:, None, :]
              + np.einsum("tbh,oh->tbo", d0[None] * r1, W20))
        num = np.sqrt(((z - z0[None] - dz) ** 2).sum(axis=(1, 2)))
        den = np.sqrt(((z - z0[None]) ** 2).sum(axis=(1, 2)))
        moved = np.any(P != theta0, axis=1) & (den > 0)
        out["lin_err"][s: s + len(P)] = np.where(moved, num / np.where(den > 0, den, 1.0), 0.0)
    out["lin_err"][0] = 0.0
    return out, hists


def _rescaled_hidden(net, X):
    hs = net.hidden_activations(X)
    if not hs:  # single-layer network: use the output unit
        hs = [net.predict_proba(X)]
        act = "sigmoid"
    else:
        act = net.activation
    if act == "relu":
        return None
    u = np.concatenate(hs, axis=1)
    return 2.0 * u - 1.0 if act == "sigmoid" else u


def gd_lyapunov(result, theta0, n_steps: int, *, learning_rate=None, n_transient: int = 0,
                rng=None):
    """Leading FTLE of the full-batch gradient-descent map of ``result`` started at ``theta0``.

    Uses :func:`esorma.stability.maps.map_lyapunov` with ``step = theta - eta grad L`` and the
    exact tangent map ``V - eta H V``, where ``eta`` is ``learning_rate`` (default: the
    learning rate ``result`` was trained with).

    Returns
    -------
    esorma.stability.maps.MapLyapunovResult
        ``exponents[0]`` is the leading exponent per step.

    Examples
    --------
    >>> import numpy as np
    >>> from esorma.bridge import train_mlp, xor_task
    >>> res = train_mlp(xor_task(), hidden=(3,), n_epochs=50, learning_rate=2.0, rng=1)
    >>> ly = gd_lyapunov(res, res.history.params[0], 20, rng=0)
    >>> bool(np.isfinite(ly.exponents[0]))
    True
    """
    from esorma.bridge.model import _hvp, _loss_grad
    from esorma.stability.maps import map_lyapunov

    net = result.network
    shapes, act, X, y = net.shapes, net.activation, result.X, result.y
    if learning_rate is None:
        eta = result.learning_rate
    else:
        eta = check_real(learning_rate, "learning_rate", minimum=0.0, strict_min=True)
    n_steps = check_int(n_steps, "n_steps", minimum=1)

    def step(th):
        return th - eta * _loss_grad(th, shapes, act, X, y)[1]

    def jvp(th, V):
        return V - eta * _hvp(th, shapes, act, X, y, V)

    return map_lyapunov(step, jvp, np.asarray(theta0, dtype=np.float64), n_steps, k=1,
                        n_transient=n_transient, rng=rng)


def phase_diagnostics(
    result,
    *,
    margin: float = 0.1,
    n_bins: int = 20,
    lyapunov: bool = True,
    lyapunov_window: int = 50,
    n_lyapunov_windows: int = 20,
    rng=None,
) -> PhaseDiagnostics:
    """Compute the phase diagnostics of a training run.

    Parameters
    ----------
    result : TrainResult
        From :func:`esorma.bridge.train_mlp`.
    margin : float
        Saturation margin in (0, 0.5): a sigmoid activation counts as saturated when it is
        within ``margin`` of 0 or 1 (tanh: within ``2 margin`` of -1 or +1).
    n_bins : int
        Bins of the activation histograms.
    lyapunov : bool
        Compute the finite-time Lyapunov exponents (the most expensive diagnostic).
    lyapunov_window : int
        Steps of the gradient-descent map per window.
    n_lyapunov_windows : int
        Windows spread evenly over the recorded epochs.
    rng : None, int, SeedSequence or numpy.random.Generator
        Source of the random initial tangent vectors of the Lyapunov windows (resolved by
        :func:`numpy.random.default_rng`). With the default None they are fresh random
        vectors on every call, so the exponents vary slightly between calls (finite-time
        estimates); pass a seed for reproducible values. Unused when ``lyapunov=False``.

    Examples
    --------
    >>> from esorma.bridge.tasks import xor_task
    >>> from esorma.bridge.training import train_mlp
    >>> res = train_mlp(xor_task(), hidden=(3,), n_epochs=300, learning_rate=2.0, rng=1)
    >>> d = phase_diagnostics(res, lyapunov=False)
    >>> d.saturation.shape == res.history.epochs.shape
    True
    """
    from esorma._validation import as_rng
    from esorma.bridge.model import _logits_jvp
    from esorma.bridge.training import TrainResult
    from esorma.bridge.network import binarised_forward

    if not isinstance(result, TrainResult):
        raise TypeError(f"result must be a TrainResult from train_mlp; got {type(result).__name__}")
    margin = check_real(margin, "margin", minimum=0.0, maximum=0.5, strict_min=True,
                        strict_max=True)
    n_bins = check_int(n_bins, "n_bins", minimum=2)
    lyapunov_window = check_int(lyapunov_window, "lyapunov_window", minimum=2)
    n_lyapunov_windows = check_int(n_lyapunov_windows, "n_lyapunov_windows", minimum=1)
    gen = as_rng(rng)
    hist = result.history
    net0 = result.network
    X = result.X
    m = hist.epochs.size
    edges = np.linspace(-1.0, 1.0, n_bins + 1)
    sat_frac = np.full(m, np.nan)
    sat_units = np.full(m, np.nan)
    sat = np.full(m, np.nan)
    agree = np.full(m, np.nan)
    hists = np.full((m, n_bins), np.nan)
    lin_err = np.zeros(m)
    theta0 = hist.params[0]
    shapes, act = net0.shapes, net0.activation
    thr = 1.0 - 2.0 * margin
    output = getattr(net0, "output", "sigmoid")
    fast = _VECTORISE and len(shapes) == 2 and act in ("sigmoid", "tanh") and m > 0
    if fast:
        vals, hists = _one_hidden_layer_diagnostics(hist.params, shapes, act, output,
                                                    np.asarray(X, dtype=np.float64), edges, thr)
        sat_frac, sat_units, sat = vals["sat_frac"], vals["sat_units"], vals["sat"]
        agree, lin_err = vals["agree"], vals["lin_err"]
    for t in range(0 if not fast else m, m):
        net = net0.with_params(hist.params[t])
        u = _rescaled_hidden(net, X)
        if u is not None:
            au = np.abs(u)
            sat_frac[t] = float(np.mean(au >= thr))
            sat_units[t] = float(np.mean(np.all(au >= thr, axis=0)))
            sat[t] = float(np.mean(au))
            h, _ = np.histogram(np.clip(u, -1.0, 1.0), bins=edges)
            hists[t] = h / max(h.sum(), 1)
            zb = binarised_forward(net, X)[-1]
            agree[t] = float(_agreement(zb, net.logits(X), output))
        delta = hist.params[t] - theta0
        if t > 0 and np.any(delta):
            z0, dz = _logits_jvp(theta0, shapes, act, X, delta)
            z = net.logits(X)
            denom = np.linalg.norm(z - z0)
            lin_err[t] = float(np.linalg.norm(z - z0 - dz) / denom) if denom > 0 else 0.0
    flips = sign_flip_rate(hist.params)
    n0 = np.linalg.norm(theta0)
    rel = np.linalg.norm(hist.params - theta0, axis=1) / (n0 if n0 > 0 else 1.0)
    lyap = np.full(m, np.nan)
    windows, values, errs = [], [], []
    if lyapunov and m >= 1:
        starts = np.unique(np.linspace(0, m - 1, n_lyapunov_windows).round().astype(int))
        for i, s in enumerate(starts):
            res = gd_lyapunov(result, hist.params[s], lyapunov_window, rng=gen)
            e0 = int(hist.epochs[s])
            windows.append((e0, e0 + lyapunov_window))
            values.append(float(res.exponents[0]))
            errs.append(float(res.stderr[0]))
            hi = int(hist.epochs[starts[i + 1]]) if i + 1 < len(starts) else np.inf
            sel = (hist.epochs >= e0) & (hist.epochs < hi)
            lyap[sel] = res.exponents[0]
    return PhaseDiagnostics(
        epochs=hist.epochs.copy(), loss=hist.loss.copy(), error=hist.error.copy(),
        saturated_fraction=sat_frac, saturated_units=sat_units, saturation=sat,
        binary_agreement=agree,
        histograms=hists, bin_edges=edges, sign_flip_rate=flips, relative_change=rel,
        linearisation_error=lin_err, lyapunov=lyap,
        lyapunov_windows=np.asarray(windows, dtype=np.int64).reshape(-1, 2),
        lyapunov_values=np.asarray(values), lyapunov_stderr=np.asarray(errs),
        margin=margin, learning_rate=result.learning_rate, activation=act,
    )

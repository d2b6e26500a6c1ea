"""Rate (graded-response) networks ``dx/dt = -x + J phi(x) + I`` and their integration.

``phi(x) = tanh(g x)`` (gain ``g``) by default, or ``phi(x) = g x`` (a linear network). With a
symmetric ``J`` this is the continuous Hopfield network (Hopfield, PNAS 81, 3088, 1984), whose
energy :func:`hopfield_energy` decreases along every trajectory.

Two integrators: scipy's adaptive ``solve_ivp`` (``solver="solve_ivp"``) and a fixed-step
compiled RK4 (``solver="rk4"``, the default, for long runs of large networks).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from esorma._results import summarized
from esorma._validation import (
    check_choice,
    check_couplings,
    check_finite_array,
    check_memory,
    check_not_masked,
    check_real,
)
from esorma.stability import _kernels
from esorma.stability.maps import DivergenceError, _check_state

__all__ = [
    "PHI_FUNCTIONS",
    "RateTrajectory",
    "phi",
    "phi_slope",
    "rate_rhs",
    "rate_jacobian",
    "simulate_rate",
    "hopfield_energy",
    "check_step_size",
]

#: Transfer functions by name -> kernel code.
PHI_FUNCTIONS = {"tanh": _kernels.PHI_TANH, "linear": _kernels.PHI_LINEAR}

#: States beyond this magnitude count as a diverged integration.
MAX_ABS = 1e100

# RK4 is stable for dt * |lambda| below ~2.78 on the real axis; refuse dt beyond this margin.
_RK4_LIMIT = 2.5


def _check_phi(phi_name) -> int:
    return PHI_FUNCTIONS[check_choice(phi_name, "phi", PHI_FUNCTIONS)]


def _check_J(J) -> np.ndarray:
    return np.ascontiguousarray(check_couplings(J, "J"), dtype=np.float64)


def _check_inputs(inputs, n: int) -> np.ndarray:
    if inputs is None:
        return np.zeros(n)
    check_not_masked(inputs, "inputs")
    arr = np.asarray(inputs)
    if arr.dtype == np.bool_ or not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
    ):
        raise TypeError(f"inputs must be a real number or a real vector; got dtype {arr.dtype}")
    if arr.ndim == 0:
        arr = np.full(n, float(arr))
    if arr.shape != (n,):
        raise ValueError(
            f"inputs must be a scalar or have shape ({n},) to match J; got {arr.shape}"
        )
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError("inputs must be finite; found NaN or inf entries")
    return arr


def _check_x(x0, n: int, name: str = "x0") -> np.ndarray:
    check_not_masked(x0, name)
    x = _check_state(x0, name)
    if x.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},) to match J; got shape {x.shape}")
    return x


def _check_gain(gain) -> float:
    return check_real(gain, "gain", minimum=0.0, strict_min=True)


def _spectral_norm_estimate(J: np.ndarray, n_iter: int = 30) -> float:
    """||J||_2 by power iteration on J^T J from a fixed start (deterministic, cheap)."""
    n = J.shape[0]
    v = np.cos(np.arange(n) * 1.2345) + 1.0 / np.sqrt(n)
    v /= np.linalg.norm(v)
    s = 0.0
    for _ in range(n_iter):
        w = J.T @ (J @ v)
        s_new = np.linalg.norm(w)
        if s_new == 0.0:
            return 0.0
        v = w / s_new
        if abs(s_new - s) <= 1e-6 * s_new:
            s = s_new
            break
        s = s_new
    # The power iteration approaches ||J||^2 from below: 5 % margin.
    return 1.05 * float(np.sqrt(s))


def check_step_size(dt: float, J: np.ndarray, gain: float, *, requested=None,
                    adjusted: str = "") -> None:
    """Refuse a fixed step that RK4 cannot integrate stably (a stiff network).

    The Jacobian ``-1 + J diag(phi')`` has spectral radius at most ``1 + gain ||J||_2`` (both
    transfer functions have slope at most ``gain``); RK4 needs ``dt`` times it below ~2.8.
    ``dt`` is the step that would be used; when the caller adjusted the user's step
    (``requested``) to fit whole steps into an interval, the message names both (``adjusted``
    says why), so that the error reports the value the user gave.
    """
    bound = 1.0 + gain * _spectral_norm_estimate(J)
    if dt * bound > _RK4_LIMIT:
        if requested is None or float(requested) == float(dt):
            got = f"got dt={dt:g}"
        else:
            got = f"got dt={float(requested):g}, used as a step of {dt:g}"
            if adjusted:
                got += f" ({adjusted})"
        raise ValueError(
            f"dt must be < {_RK4_LIMIT / bound:.3g} for a stable RK4 step of this network "
            f"(the Jacobian's spectral radius may reach {bound:.3g}: the system is stiff at "
            f"this step size); {got}; use a smaller dt or solver='solve_ivp' with "
            "method='LSODA'"
        )


def phi(x, *, gain: float = 1.0, phi: str = "tanh") -> np.ndarray:
    """The transfer function ``tanh(g x)`` or ``g x`` applied elementwise."""
    code = _check_phi(phi)
    gain = _check_gain(gain)
    check_not_masked(x, "x")
    return _phi_values(np.asarray(x, dtype=np.float64), gain, code)


def phi_slope(x, *, gain: float = 1.0, phi: str = "tanh") -> np.ndarray:
    """The derivative ``phi'(x)``: ``g (1 - tanh(g x)^2)`` or ``g``."""
    code = _check_phi(phi)
    gain = _check_gain(gain)
    check_not_masked(x, "x")
    x = np.asarray(x, dtype=np.float64)
    if code == _kernels.PHI_TANH:
        return gain * (1.0 - np.tanh(gain * x) ** 2)
    return np.full_like(x, gain)


def rate_rhs(x, J, *, gain: float = 1.0, inputs=None, phi: str = "tanh") -> np.ndarray:
    """The vector field ``-x + J phi(x) + I`` at ``x`` (shape (N,) or a batch (B, N)).

    Examples
    --------
    >>> import numpy as np
    >>> from esorma.stability import rate_rhs
    >>> rate_rhs(np.zeros(2), np.eye(2), inputs=1.0).tolist()
    [1.0, 1.0]
    """
    J = _check_J(J)
    n = J.shape[0]
    x = check_finite_array(x, "x")
    if x.shape[-1:] != (n,) or x.ndim > 2:
        raise ValueError(f"x must have shape ({n},) or (B, {n}); got shape {x.shape}")
    code = _check_phi(phi)
    p = _phi_values(x, _check_gain(gain), code)
    return -x + p @ J.T + _check_inputs(inputs, n)


def rate_jacobian(x, J, *, gain: float = 1.0, phi: str = "tanh") -> np.ndarray:
    """The Jacobian ``-I + J diag(phi'(x))`` of the vector field at ``x`` (shape (N, N)).

    Examples
    --------
    >>> import numpy as np
    >>> from esorma.stability import rate_jacobian
    >>> rate_jacobian(np.zeros(2), np.array([[0.0, 2.0], [0.0, 0.0]]), gain=0.5).tolist()
    [[-1.0, 1.0], [0.0, -1.0]]
    """
    J = _check_J(J)
    x = _check_x(x, J.shape[0], "x")
    d = phi_slope(x, gain=gain, phi=phi)
    return J * d[None, :] - np.eye(J.shape[0])


@summarized
@dataclass(frozen=True)
class RateTrajectory:
    """A trajectory of a rate network.

    Attributes
    ----------
    t : ndarray, shape (T,)
        Times of the saved states.
    x : ndarray, shape (T, N)
        The saved states.
    solver : str
        ``"rk4"`` or ``"solve_ivp"`` (with ``method``).
    method : str
        The ``solve_ivp`` method (``"RK4"`` for the fixed-step integrator).
    n_evaluations : int
        Number of evaluations of the vector field.
    gain, phi : float, str
        The transfer function.
    """

    t: np.ndarray
    x: np.ndarray
    solver: str
    method: str
    n_evaluations: int
    gain: float
    phi: str

    @property
    def final(self) -> np.ndarray:
        """The last saved state."""
        return self.x[-1]


def simulate_rate(
    J,
    x0,
    t_max: float,
    *,
    gain: float = 1.0,
    inputs=None,
    phi: str = "tanh",
    solver: str = "rk4",
    dt: float = 0.05,
    save_interval: float | None = None,
    method: str = "RK45",
    rtol: float = 1e-6,
    atol: float = 1e-9,
) -> RateTrajectory:
    """Integrate ``dx/dt = -x + J phi(x) + I`` from ``x0`` over ``[0, t_max]``.

    Parameters
    ----------
    J : array_like, shape (N, N)
        Couplings (any real square matrix: Ginibre, elliptic, Dale, Hebbian, ...).
    x0 : array_like, shape (N,)
        Finite initial state.
    t_max : float
        Integration time (> 0).
    gain : float, default 1
        Gain ``g`` of the transfer function.
    inputs : None, float or array_like (N,)
        Constant external input ``I`` (default 0).
    phi : {"tanh", "linear"}
        ``tanh(g x)`` or ``g x``.
    solver : {"rk4", "solve_ivp"}
        Fixed-step compiled RK4 with step ``dt``, or scipy's adaptive solver.
    dt : float, default 0.05
        RK4 step (refused if RK4 would be unstable for this ``J`` and ``gain``).
    save_interval : float, optional
        Spacing of the saved states (default: ``dt`` for rk4, ~200 points for solve_ivp); for
        rk4 it is rounded to a multiple of ``dt``.
    method, rtol, atol
        Passed to ``scipy.integrate.solve_ivp``.

    Returns
    -------
    RateTrajectory

    Raises
    ------
    DivergenceError
        If the state becomes non-finite or exceeds 1e100 (a linear network with an unstable
        Jacobian, or a failed stiff integration).

    Examples
    --------
    >>> import numpy as np
    >>> from esorma.stability import simulate_rate
    >>> J = np.array([[0.0, 0.5], [0.5, 0.0]])
    >>> traj = simulate_rate(J, [1.0, -0.5], 40.0)
    >>> bool(np.abs(traj.final).max() < 1e-5)   # gain 0.5 < 1: the origin attracts
    True
    """
    J = _check_J(J)
    n = J.shape[0]
    x = _check_x(x0, n)
    t_max = check_real(t_max, "t_max", minimum=0.0, strict_min=True)
    gain = _check_gain(gain)
    code = _check_phi(phi)
    inp = _check_inputs(inputs, n)
    solver = check_choice(solver, "solver", ("rk4", "solve_ivp"))
    if save_interval is not None:
        save_interval = check_real(save_interval, "save_interval", minimum=0.0, strict_min=True)
    if solver == "rk4":
        asked = check_real(dt, "dt", minimum=0.0, strict_min=True)
        n_steps = max(1, int(round(t_max / asked)))
        dt = t_max / n_steps
        check_step_size(dt, J, gain, requested=asked,
                        adjusted=f"{n_steps} whole step(s) in t_max={t_max:g}")
        save_every = 1 if save_interval is None else max(1, int(round(save_interval / dt)))
        save_every = min(save_every, n_steps)
        n_rows = n_steps // save_every + 1
        check_memory(8.0 * n_rows * n, f"a trajectory of {n_rows} saved states of {n} neurons",
                     hint="record fewer points (a larger save_interval) or a shorter t_max")
        out = np.empty((n_rows, n))
        status, done = _kernels.rk4_trajectory(
            np.ascontiguousarray(J.T), x, inp, gain, code, dt, n_steps, save_every, MAX_ABS, out
        )
        if status != 0:
            raise DivergenceError(
                f"the integration diverged at t = {done * dt:.4g} (state beyond {MAX_ABS:g} or "
                "non-finite); the network is unstable or the step dt is too large"
            )
        t = np.arange(n_rows) * save_every * dt
        return RateTrajectory(t, out, "rk4", "RK4", 4 * n_steps, gain, phi)

    from scipy.integrate import solve_ivp

    n_save = 201 if save_interval is None else max(2, int(round(t_max / save_interval)) + 1)
    # solve_ivp keeps the saved states (N, T) and we return a (T, N) copy.
    check_memory(16.0 * n_save * n, f"a trajectory of {n_save} saved states of {n} neurons",
                 hint="record fewer points (a larger save_interval, i.e. a coarser t_eval)")
    t_eval = np.linspace(0.0, t_max, n_save)

    def fun(_t, y):
        return _rhs_numpy(y, J, gain, code, inp)

    with np.errstate(over="ignore", invalid="ignore"):
        sol = solve_ivp(fun, (0.0, t_max), x, method=method, t_eval=t_eval, rtol=rtol, atol=atol)
    if sol.status != 0 or not np.all(np.isfinite(sol.y)) or np.abs(sol.y).max() > MAX_ABS:
        raise DivergenceError(
            f"solve_ivp ({method}) failed: {sol.message}; last time reached "
            f"{sol.t[-1] if sol.t.size else 0.0:.4g} of {t_max:g} (diverging or stiff; try "
            "method='LSODA' or 'Radau' for a stiff network)"
        )
    return RateTrajectory(sol.t, sol.y.T.copy(), "solve_ivp", method, int(sol.nfev), gain, phi)


def _phi_values(x, gain, code):
    return np.tanh(gain * x) if code == _kernels.PHI_TANH else gain * x


def _rhs_numpy(x, J, gain, code, inputs):
    return -x + J @ _phi_values(x, gain, code) + inputs


def _antiderivative(x, gain, code):
    """Phi(x) = int_0^x phi(s) ds: log cosh(g x) / g, or g x^2 / 2."""
    if code == _kernels.PHI_TANH:
        y = np.abs(gain * x)
        return (y + np.log1p(np.exp(-2.0 * y)) - np.log(2.0)) / gain
    return 0.5 * gain * x * x


def hopfield_energy(x, J, *, gain: float = 1.0, inputs=None, phi: str = "tanh"):
    """The Lyapunov function of the continuous Hopfield network (symmetric ``J``).

    ``E(x) = -1/2 V^T J V - I^T V + sum_i (V_i x_i - Phi(x_i))`` with ``V = phi(x)`` and
    ``Phi`` the antiderivative of ``phi`` (``log cosh(g x) / g`` for tanh). The last sum is
    Hopfield's ``sum_i int_0^{V_i} phi^{-1}(v) dv`` written in ``x``.

    Parameters
    ----------
    x : array_like, shape (N,) or (T, N)
        One state or a trajectory.
    J : array_like, shape (N, N)
        Symmetric couplings.

    Returns
    -------
    float or ndarray (T,)

    Notes
    -----
    Along ``dx/dt = -x + J V + I``: ``dE/dt = -sum_i phi'(x_i) (dx_i/dt)^2 <= 0``, so ``E``
    decreases and (``phi`` bounded) every trajectory converges to the set of fixed points.

    Examples
    --------
    >>> import numpy as np
    >>> from esorma.stability import hopfield_energy
    >>> float(hopfield_energy(np.zeros(3), np.ones((3, 3)) - np.eye(3)))
    0.0
    """
    J = _check_J(J)
    if not np.allclose(J, J.T, rtol=1e-12, atol=1e-12 * max(1.0, np.abs(J).max())):
        raise ValueError("J must be symmetric (J == J.T) for the Hopfield energy to exist")
    n = J.shape[0]
    gain = _check_gain(gain)
    code = _check_phi(phi)
    inp = _check_inputs(inputs, n)
    x = check_finite_array(x, "x")
    if x.shape[-1:] != (n,) or x.ndim > 2:
        raise ValueError(f"x must have shape ({n},) or (T, {n}); got shape {x.shape}")
    V = _phi_values(x, gain, code)
    e = (
        -0.5 * np.einsum("...i,...i->...", V @ J, V)
        - V @ inp
        + np.sum(V * x - _antiderivative(x, gain, code), axis=-1)
    )
    return float(e) if np.ndim(e) == 0 else e

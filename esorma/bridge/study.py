"""Bridge studies: train a network on a Boolean task and read it as logic, in one call.

:func:`bridge_study` is the whole pipeline of ``esorma bridge``: the task's training recipe
(:data:`RECIPES`), a pilot run that finds how long training takes to reach the saturated
phase, the analysed run (that long again, times ``1 + after``), the phase diagnostics and
labels, the finite-time Lyapunov exponents of the gradient-descent map, the exact formula of
every unit and of the binarised network (BDD composition and minimisation), and the fidelity
of that formula to the real network. :func:`phase_sweep` repeats short runs over initial weight
scales and seeds (``experiments/bridge_phases.py``).

When does the saturated phase start? Everywhere in these results it is
:attr:`PhaseLabels.saturated_from <esorma.bridge.phases.PhaseLabels.saturated_from>`: the first
recorded epoch of the final saturated segment of the labels (from there to the end every epoch
is saturated); None when training ends in another phase.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from esorma._results import summarized
from esorma._validation import as_rng, check_choice, check_int, check_real
from esorma.bridge.diagnostics import PhaseDiagnostics
from esorma.bridge.model import ACTIVATIONS
from esorma.bridge.network import FidelityReport, NetworkFormula
from esorma.bridge.phases import PhaseLabels
from esorma.bridge.tasks import BooleanTask
from esorma.bridge.training import TrainResult

__all__ = ["Recipe", "RECIPES", "BridgeRun", "bridge_study", "PhaseSweep", "phase_sweep"]


@summarized
@dataclass(frozen=True)
class Recipe:
    """Training settings known to reach the saturated phase on a task.

    Attributes
    ----------
    hidden : tuple of int
        Hidden-layer widths.
    learning_rate : float
        Learning rate of full-batch gradient descent (sigmoid units).
    """

    hidden: tuple
    learning_rate: float

    def __post_init__(self):
        object.__setattr__(self, "hidden", tuple(int(h) for h in self.hidden))


#: Per-task recipes (by :data:`esorma.bridge.TASKS` name) that reach the saturated phase.
RECIPES = {
    "xor": Recipe((3,), 2.0),
    "parity": Recipe((4,), 2.0),
    "sparse_parity": Recipe((4,), 2.0),
    "majority": Recipe((1,), 2.0),
    "multiplexer": Recipe((12,), 4.0),
    "random_dnf": Recipe((6,), 2.0),
}


@summarized
@dataclass(frozen=True)
class BridgeRun:
    """A network trained on a Boolean task, its training phases and its logic.

    Attributes
    ----------
    task : BooleanTask
    training : TrainResult
        The analysed run (network, recorded parameter history, set-up).
    diagnostics : PhaseDiagnostics
    labels : PhaseLabels
        Linear / hybrid / saturated per recorded epoch.
    formula : NetworkFormula or None
        The minimised formula of the binarised network (None when it could not be extracted:
        see ``formula_error``).
    fidelity : FidelityReport or None
        The formula against the real network and the target (None: see ``fidelity_error``).
    hidden : tuple of int
    activation : str
    learning_rate : float
    n_epochs_run : int
        Epochs of the analysed run.
    pilot_epochs : int or None
        Epochs the pilot run took to meet ``train_mlp(stop_on="saturated")`` (checked every
        50 epochs; ``"zero_error"`` for ReLU); None when it did not within ``n_epochs``. It
        sets the length of the analysed run only: when the saturated phase starts is
        :attr:`saturated_from`.
    seed : int
        The seed of the task, the initial weights and the Lyapunov tangent vectors.
    formula_error, fidelity_error : str
        Why the formula or the fidelity report is missing ("" when present).
    """

    task: BooleanTask
    training: TrainResult
    diagnostics: PhaseDiagnostics
    labels: PhaseLabels
    formula: NetworkFormula | None
    fidelity: FidelityReport | None
    hidden: tuple
    activation: str
    learning_rate: float
    n_epochs_run: int
    pilot_epochs: int | None
    seed: int
    formula_error: str = ""
    fidelity_error: str = ""

    def __post_init__(self):
        object.__setattr__(self, "hidden", tuple(int(h) for h in self.hidden))

    @property
    def network(self):
        """The trained :class:`~esorma.bridge.model.MLP`."""
        return self.training.network

    @property
    def saturated_from(self):
        """First epoch of the final saturated segment (None: training ends unsaturated)."""
        return self.labels.saturated_from

    @property
    def final_phase(self) -> str:
        return self.labels.final

    @property
    def lyapunov_max(self):
        """Largest finite-time Lyapunov exponent over the windows (None if not computed)."""
        v = self.diagnostics.lyapunov_values
        return float(np.nanmax(v)) if v.size and np.any(np.isfinite(v)) else None

    def summary(self) -> dict:
        """The key numbers as a JSON-ready dict (what ``esorma bridge --json`` prints)."""
        h = self.training.history
        f, r = self.formula, self.fidelity
        return {
            "task": self.task.name, "target": self.task.description,
            "n_inputs": self.task.n_inputs, "hidden": list(self.hidden),
            "activation": self.activation, "learning_rate": self.learning_rate,
            "seed": self.seed, "n_epochs_run": self.n_epochs_run,
            "final_loss": float(h.loss[-1]), "final_error": float(h.error[-1]),
            "phases": [list(s) for s in self.labels.segments],
            "final_phase": self.final_phase, "saturated_from": self.saturated_from,
            "lyapunov_max": self.lyapunov_max,
            "formula": None if f is None else f.text,
            "n_terms": None if f is None else f.n_terms,
            "minimiser": None if f is None else f.method,
            "formula_error": self.formula_error or None,
            "fidelity": None if r is None else r.as_dict(),
            "fidelity_error": self.fidelity_error or None,
        }


def _seed_of(rng) -> int:
    """An int seed: ``rng`` itself when it is one, else drawn from it."""
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, (bool, np.bool_)):
        return int(rng)
    return int(as_rng(rng).integers(2**31))


def _resolve_task(task, n_inputs, seed):
    from esorma.bridge.tasks import make_task

    if isinstance(task, BooleanTask):
        if n_inputs is not None:
            raise ValueError("n_inputs must be None when task is a BooleanTask (its size is set)")
        return task
    if not isinstance(task, str):
        raise TypeError(f"task must be a task name (str) or a BooleanTask; got {task!r}")
    params = {}
    if n_inputs is not None:
        params["n_inputs"] = check_int(n_inputs, "n_inputs", minimum=1)
    return make_task(task, rng=seed, **params)


def bridge_study(
    task,
    *,
    n_inputs: int | None = None,
    hidden=None,
    activation: str = "sigmoid",
    learning_rate: float | None = None,
    n_epochs: int = 20000,
    after: float = 1.0,
    init_scale: float = 1.0,
    batch_size: int | None = None,
    margin: float = 0.1,
    lyapunov: bool = True,
    n_lyapunov_windows: int = 12,
    rng=None,
) -> BridgeRun:
    """Train an MLP on a Boolean task, label its training phases and extract its formula.

    Parameters
    ----------
    task : str or BooleanTask
        A task name of :func:`esorma.bridge.make_task` (``"xor"``, ``"parity"``,
        ``"sparse_parity"``, ``"majority"``, ``"multiplexer"`` or ``"mux6"``,
        ``"random_dnf"``) or a task.
    n_inputs : int, optional
        Inputs of ``parity``, ``sparse_parity``, ``majority`` and ``random_dnf`` (with a name).
    hidden : tuple of int, optional
        Hidden widths (default: the task's :data:`RECIPES` entry).
    activation : {"sigmoid", "tanh", "relu"}
        Hidden activation. ReLU networks train, but do not saturate: they get no formula.
    learning_rate : float, optional
        Learning rate of gradient descent (default: the task's recipe).
    n_epochs : int
        Most epochs to train: the pilot run stops once the network meets the saturation rule
        of :func:`~esorma.bridge.train_mlp` (``stop_on="saturated"``), and the analysed run
        lasts ``(1 + after)`` times as long (at least 50 epochs, at most ``n_epochs``).
    after : float
        Train this multiple of the pilot's epochs beyond it (so the figure shows the phases).
    init_scale : float
        Initial weight scale (see :func:`~esorma.bridge.init_mlp`).
    batch_size : int, optional
        Mini-batch size (default: full batch).
    margin : float
        Saturation margin of :func:`~esorma.bridge.phase_diagnostics`.
    lyapunov : bool
        Compute the finite-time Lyapunov exponents of the gradient-descent map.
    n_lyapunov_windows : int
        Windows of the Lyapunov exponents spread over training.
    rng : None, int or numpy.random.Generator
        An int is the seed of everything (random tasks, initial weights, mini-batches, Lyapunov
        tangent vectors); otherwise a seed is drawn from it.

    Returns
    -------
    BridgeRun

    Examples
    --------
    >>> run = bridge_study("xor", n_epochs=300, lyapunov=False, rng=1)
    >>> run.formula.text, run.fidelity.agreement
    ('(A and not B) or (not A and B)', 1.0)
    >>> run.saturated_from == run.labels.segments[-1][1]
    True
    """
    from esorma.bridge.diagnostics import phase_diagnostics
    from esorma.bridge.network import fidelity, network_formula
    from esorma.bridge.phases import classify_phases
    from esorma.bridge.training import train_mlp

    seed = _seed_of(rng)
    activation = check_choice(activation, "activation", ACTIVATIONS)
    n_epochs = check_int(n_epochs, "n_epochs", minimum=1)
    after = check_real(after, "after", minimum=0.0)
    task = _resolve_task(task, n_inputs, seed)
    recipe = RECIPES.get(task.name)
    if recipe is None and (hidden is None or learning_rate is None):
        raise ValueError(f"task {task.name!r} has no recipe: give hidden and learning_rate")
    hidden = recipe.hidden if hidden is None else hidden
    if isinstance(hidden, (int, np.integer)):
        hidden = (hidden,)
    hidden = tuple(check_int(h, "hidden[i]", minimum=1) for h in hidden)
    learning_rate = recipe.learning_rate if learning_rate is None else learning_rate
    learning_rate = check_real(learning_rate, "learning_rate", minimum=0.0, strict_min=True)
    kw = dict(hidden=hidden, activation=activation, learning_rate=learning_rate,
              init_scale=init_scale, batch_size=batch_size)
    stop_on = "zero_error" if activation == "relu" else "saturated"
    pilot = train_mlp(task, n_epochs=n_epochs, stop_on=stop_on, rng=seed, **kw)
    reached = pilot.n_epochs_run < n_epochs
    n_total = (min(n_epochs, max(int(pilot.n_epochs_run * (1 + after)), 50)) if reached
               else n_epochs)
    res = train_mlp(task, n_epochs=n_total, rng=seed, record_every=max(1, n_total // 1000),
                    **kw)
    diag = phase_diagnostics(res, margin=margin, lyapunov=lyapunov,
                             n_lyapunov_windows=n_lyapunov_windows, rng=seed)
    labels = classify_phases(diag)
    formula = rep = None
    formula_error = fidelity_error = ""
    try:
        formula = network_formula(res.network, task.input_names)
    except ValueError as exc:  # ReLU, or a flat formula too large (refused with its estimate)
        formula_error = str(exc)
    try:  # needs only the network's BDD, not the flat formula
        rep = fidelity(res.network, formula, target=task)
    except ValueError as exc:  # ReLU, or a unit whose BDD is too large
        fidelity_error = str(exc)
    return BridgeRun(
        task=task, training=res, diagnostics=diag, labels=labels, formula=formula,
        fidelity=rep, hidden=hidden, activation=activation, learning_rate=learning_rate,
        n_epochs_run=int(res.n_epochs_run), pilot_epochs=pilot.n_epochs_run if reached else None,
        seed=seed, formula_error=formula_error, fidelity_error=fidelity_error,
    )


# ----------------------------------------------------------------------------- phase sweep
def _grid(unit=None, description=""):
    meta = {"description": description + " (task, initial scale, seed)"}
    if unit:
        meta["unit"] = unit
    return field(metadata=meta)


@summarized
@dataclass(frozen=True)
class PhaseSweep:
    """Training phases of runs over tasks, initial weight scales and seeds.

    Arrays of shape ``(n_tasks, n_scales, n_seeds)`` hold one number per run; -1 in the int
    arrays means "never".

    Attributes
    ----------
    tasks : tuple of str
    init_scales : ndarray, shape (n_scales,)
    seeds : ndarray of int, shape (n_scales, n_seeds)
        The seed of each run (the same for every task).
    final_loss, ftle_early, agreement, target_agreement : ndarray of float
        Final loss, leading FTLE of the gradient-descent map over the first ``ftle_window``
        steps, and the fidelity of the extracted formula (NaN where none was extracted).
    saturated_from, left_linear, final_phase, n_terms : ndarray of int
        :attr:`PhaseLabels.saturated_from <esorma.bridge.phases.PhaseLabels.saturated_from>`,
        the first epoch not labelled linear, the final phase code (0 linear, 1 hybrid,
        2 saturated) and the number of terms of the formula.
    phase_codes : ndarray of int8, shape (n_tasks, n_scales, m)
        Phase of every recorded epoch of the first seed's run.
    epochs : ndarray of int, shape (m,)
        The recorded epochs.
    recipes : dict
        ``{task: [hidden, learning_rate]}`` used.
    n_epochs, ftle_window : int
    seconds : float
        Wall time of the sweep.
    """

    tasks: tuple
    init_scales: np.ndarray = field(metadata={"description": "initial weight scales"})
    seeds: np.ndarray
    final_loss: np.ndarray = _grid("nats per output", "final cross-entropy")
    ftle_early: np.ndarray = _grid("per step", "leading FTLE of the GD map, first steps")
    agreement: np.ndarray = _grid("fraction", "formula = network on all inputs")
    target_agreement: np.ndarray = _grid("fraction", "formula = target on all inputs")
    saturated_from: np.ndarray = _grid("epoch", "start of the final saturated segment, -1 never")
    left_linear: np.ndarray = _grid("epoch", "first epoch not linear, -1 never")
    final_phase: np.ndarray = _grid(None, "0 linear, 1 hybrid, 2 saturated")
    n_terms: np.ndarray = _grid(None, "terms of the network formula, -1 none")
    phase_codes: np.ndarray
    epochs: np.ndarray
    recipes: dict
    n_epochs: int
    ftle_window: int
    seconds: float = 0.0

    def __post_init__(self):
        object.__setattr__(self, "tasks", tuple(self.tasks))


def phase_sweep(
    tasks=("xor", "multiplexer"),
    init_scales=(1e-3, 0.1, 1.0, 3.0),
    *,
    n_seeds: int = 2,
    n_epochs: int = 1500,
    ftle_window: int = 30,
    progress=None,
    rng=0,
) -> PhaseSweep:
    """Train each task from each initial weight scale and seed; phases, early FTLE, formula.

    Every run trains a sigmoid MLP with the task's :data:`RECIPES` entry by full-batch
    gradient descent for ``n_epochs`` epochs (every epoch recorded, so that the end of the
    linear phase is resolved), labels its epochs
    (:func:`~esorma.bridge.classify_phases`), measures the leading finite-time Lyapunov
    exponent of the gradient-descent map over the first ``ftle_window`` steps
    (:func:`~esorma.bridge.gd_lyapunov`), and extracts the network formula and its fidelity.
    Run ``k`` of scale ``i`` has seed ``seed + 1000 i + k`` (``seed`` from ``rng``).

    Parameters
    ----------
    tasks : sequence of str
        Task names with a recipe.
    init_scales : sequence of float
    n_seeds, n_epochs, ftle_window : int
    progress : callable, optional
        Called with one line of text after each run.
    rng : int, Generator or None

    Returns
    -------
    PhaseSweep

    Examples
    --------
    >>> s = phase_sweep(["xor"], [1.0], n_seeds=1, n_epochs=200, ftle_window=5)
    >>> s.final_loss.shape, s.phase_codes.shape[:2]
    ((1, 1, 1), (1, 1))
    """
    import time

    from esorma.bridge.diagnostics import gd_lyapunov, phase_diagnostics
    from esorma.bridge.network import fidelity, network_formula
    from esorma.bridge.phases import classify_phases
    from esorma.bridge.tasks import make_task
    from esorma.bridge.training import train_mlp

    if isinstance(tasks, str):
        tasks = (tasks,)
    tasks = tuple(tasks)
    for name in tasks:
        check_choice(name, "tasks[i]", tuple(RECIPES))
    scales = np.asarray(init_scales, dtype=np.float64).reshape(-1)
    if scales.size == 0 or not np.all(np.isfinite(scales)) or np.any(scales < 0):
        raise ValueError(f"init_scales must be finite non-negative numbers; got {init_scales!r}")
    n_seeds = check_int(n_seeds, "n_seeds", minimum=1)
    n_epochs = check_int(n_epochs, "n_epochs", minimum=1)
    ftle_window = check_int(ftle_window, "ftle_window", minimum=1)
    base = _seed_of(rng)
    seeds = np.array([[base + 1000 * i + k for k in range(n_seeds)]
                      for i in range(scales.size)], dtype=np.int64)
    shape = (len(tasks), scales.size, n_seeds)
    out = {k: np.full(shape, np.nan) for k in ("final_loss", "ftle_early", "agreement",
                                                "target_agreement")}
    ints = {k: np.full(shape, -1, dtype=np.int64) for k in ("saturated_from", "left_linear",
                                                             "final_phase", "n_terms")}
    codes0, epochs = [], None
    t0 = time.perf_counter()
    for ti, name in enumerate(tasks):
        task, recipe = make_task(name), RECIPES[name]
        row = []
        for si, scale in enumerate(scales):
            for k in range(n_seeds):
                seed = int(seeds[si, k])
                res = train_mlp(task, hidden=recipe.hidden, learning_rate=recipe.learning_rate,
                                init_scale=float(scale), n_epochs=n_epochs,
                                record_every=1, rng=seed)
                lab = classify_phases(phase_diagnostics(res, lyapunov=False))
                ftle = gd_lyapunov(res, res.history.params[0], ftle_window, rng=seed)
                idx = (ti, si, k)
                out["final_loss"][idx] = res.history.loss[-1]
                out["ftle_early"][idx] = ftle.exponents[0]
                sat = lab.saturated_from
                ints["saturated_from"][idx] = -1 if sat is None else sat
                ints["left_linear"][idx] = next(
                    (int(e) for e, c in zip(lab.epochs, lab.codes) if c != 0), -1)
                ints["final_phase"][idx] = int(lab.codes[-1])
                try:
                    f = network_formula(res.network, task.input_names)
                    rep = fidelity(res.network, f, target=task)
                except ValueError:
                    f = rep = None
                else:
                    out["agreement"][idx] = rep.agreement
                    out["target_agreement"][idx] = rep.target_agreement
                    ints["n_terms"][idx] = f.n_terms
                if k == 0:
                    row.append(lab.codes)
                    epochs = lab.epochs
                if progress is not None:
                    progress(f"{name:<12} scale {scale:<6g} seed {seed:<5} loss "
                             f"{res.history.loss[-1]:.3g} left linear "
                             f"{ints['left_linear'][idx]:>5} saturated from "
                             f"{ints['saturated_from'][idx]:>5} fidelity "
                             f"{out['agreement'][idx]:.3f} terms {ints['n_terms'][idx]}")
        codes0.append(np.stack(row))
    return PhaseSweep(
        tasks=tasks, init_scales=scales, seeds=seeds, **out, **ints,
        phase_codes=np.stack(codes0).astype(np.int8), epochs=np.asarray(epochs),
        recipes={t: [list(RECIPES[t].hidden), RECIPES[t].learning_rate] for t in tasks},
        n_epochs=n_epochs, ftle_window=ftle_window,
        seconds=round(time.perf_counter() - t0, 2),
    )

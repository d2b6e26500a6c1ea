"""Attractors of Hopfield networks: exact enumeration, exact basins, sampled search, labels.

* :func:`enumerate_fixed_points` / :func:`iter_fixed_points` / :func:`count_fixed_points`:
  every state with ``s_i h_i >= 0`` for all ``i``, exactly (branch and bound);
  :func:`enumerate_fixed_points_distributed` splits the search into prefix tasks (Dask,
  resumable HDF5 checkpoint).
* :func:`exact_basins`: every fixed point and cycle of the synchronous or sequential map of a
  small network (N up to ~24), with the size of each basin and the transition graph
  (:meth:`ExactBasins.to_networkx`).
* :func:`sample_attractors`: attractors of large networks reached from many starts, with
  basin-fraction estimates and binomial error bars.
* :func:`label_states`: stored pattern, reversed pattern, odd symmetric mixture or spurious.
* :func:`attractor_study`: the whole study behind ``esorma attractors`` (build a network, find
  and label its attractors exactly or by sampling) as one :class:`AttractorStudy` result.
"""

from esorma.attractors.basins import (
    MAX_EXACT_NEURONS,
    ExactBasins,
    decode_states,
    encode_states,
    exact_basins,
    exact_basins_cost,
    successors,
)
from esorma.attractors.distributed import enumerate_fixed_points_distributed
from esorma.attractors.enumerate import (
    FixedPoints,
    count_fixed_points,
    enumerate_fixed_points,
    iter_fixed_points,
)
from esorma.attractors.labels import (
    KIND_NAMES,
    AttractorLabels,
    label_class_counts,
    label_states,
    mixture_state,
)
from esorma.attractors.lowrank import (
    HebbFixedPoints,
    hebb_enumeration_cost,
    hebb_fixed_points,
    is_lowrank_hebb,
)
from esorma.attractors.mixtures import MixtureCensus, mixture_census, mixture_theory_counts
from esorma.attractors.sampling import SampledAttractors, sample_attractors, wilson_interval
from esorma.attractors.study import AUTO_EXACT_MAX, AttractorStudy, attractor_study

__all__ = [
    "enumerate_fixed_points",
    "enumerate_fixed_points_distributed",
    "iter_fixed_points",
    "count_fixed_points",
    "FixedPoints",
    "ExactBasins",
    "exact_basins",
    "hebb_fixed_points",
    "HebbFixedPoints",
    "is_lowrank_hebb",
    "hebb_enumeration_cost",
    "label_class_counts",
    "mixture_census",
    "mixture_theory_counts",
    "MixtureCensus",
    "exact_basins_cost",
    "successors",
    "encode_states",
    "decode_states",
    "MAX_EXACT_NEURONS",
    "AttractorLabels",
    "label_states",
    "mixture_state",
    "KIND_NAMES",
    "SampledAttractors",
    "sample_attractors",
    "wilson_interval",
    "attractor_study",
    "AttractorStudy",
    "AUTO_EXACT_MAX",
]

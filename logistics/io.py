"""Atomic file output for every owl writer; the implementation is :mod:`networks.io` (the lowest layer, so that
``networks`` shares it), re-exported here for the packages above."""

from networks.io import StagedOutputs, atomic_write_bytes, atomic_write_json, atomic_write_text, remove_stale_temps

__all__ = ["StagedOutputs", "atomic_write_bytes", "atomic_write_json", "atomic_write_text", "remove_stale_temps"]

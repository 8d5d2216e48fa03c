"""The entity stage: gazetteer, linker (see linker.py for the rules, in order)."""

from claimgraph.entities.linker import link

__all__ = ["link"]

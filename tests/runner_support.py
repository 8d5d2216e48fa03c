"""Jobs for the batch runner's tests. They live in a module of their own so that spawned worker processes can
import them (a job travels to the workers by pickle)."""

from __future__ import annotations

import os

from claimgraph.runner import JsonLineJob


class KillingJob(JsonLineJob):
    """Kills the worker process (as the kernel's OOM killer or a crash in native code would) on any document
    whose source name contains 'kill-me'; JSON Lines for the others."""

    def skip(self, reading):
        if "kill-me" in reading.source:
            os._exit(9)
        return None


class BrokenStartJob(JsonLineJob):
    """A job whose start fails in every worker with an unexpected (untyped) error."""

    def start(self, pipeline):
        raise RuntimeError("cannot open the output")

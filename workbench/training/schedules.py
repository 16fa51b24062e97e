"""Resuming a one-cycle learning-rate schedule, also with a longer budget.

A run is resumed from its checkpoint; when the rerun asks for more epochs than the first
run planned, the saved schedule would fail past its old end ("Tried to step N times").
The resumed schedule instead keeps its position (steps taken) on the new, longer curve,
so more epochs continue the run: the learning rate rises again to where the longer
schedule has it at that step, then decays to the end of the new budget.
"""

from __future__ import annotations

from torch.optim.lr_scheduler import OneCycleLR


def load_schedule(schedule: OneCycleLR, state: dict) -> None:
    """Restore ``schedule`` (built for this run's total steps) from a checkpoint's
    ``state``; the same total restores it exactly."""
    if state.get("total_steps") == schedule.total_steps:
        schedule.load_state_dict(state)
        return
    schedule.last_epoch = int(state["last_epoch"])
    schedule._step_count = int(state.get("_step_count", schedule.last_epoch + 1))

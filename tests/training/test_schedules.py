"""A run resumed with more epochs continues on the longer schedule instead of failing."""

import pytest
import torch
from torch.optim.lr_scheduler import OneCycleLR

from workbench.training.schedules import load_schedule


def schedule(total: int) -> OneCycleLR:
    optimiser = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=0.01)
    return OneCycleLR(optimiser, 0.01, total_steps=total, pct_start=0.1)


def steps(s: OneCycleLR, n: int) -> list[float]:
    rates = []
    for _ in range(n):
        s.optimizer.step()
        s.step()
        rates.append(s.get_last_lr()[0])
    return rates


def test_a_longer_budget_continues_at_the_same_step_of_the_longer_curve():
    first = schedule(20)
    steps(first, 19)  # the first run used its whole budget
    resumed, fresh = schedule(40), schedule(40)
    load_schedule(resumed, first.state_dict())
    steps(fresh, 19)
    assert steps(resumed, 20) == pytest.approx(steps(fresh, 20))  # to the new end, no error


def test_the_same_budget_restores_the_schedule_exactly():
    first, twin = schedule(30), schedule(30)
    steps(first, 12)
    steps(twin, 12)
    resumed = schedule(30)
    load_schedule(resumed, first.state_dict())
    assert steps(resumed, 17) == pytest.approx(steps(twin, 17))


def test_without_it_a_longer_budget_fails_past_the_old_end():
    """What the rerun met before: the saved schedule's own total."""
    first = schedule(20)
    steps(first, 19)
    resumed = schedule(40)
    resumed.load_state_dict(first.state_dict())
    with pytest.raises(ValueError, match="Tried to step"):
        steps(resumed, 5)

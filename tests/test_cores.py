"""--jobs as a core budget: narrate and everything it starts stay on that many cores."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from narrate.cores import available_cores, core_budget

pinnable = pytest.mark.skipif(
    not hasattr(os, "sched_setaffinity") or available_cores() < 2,
    reason="needs a system that pins processes, with two cores or more",
)


def child_cores() -> int:
    return int(
        subprocess.run(
            [sys.executable, "-c", "import os; print(len(os.sched_getaffinity(0)))"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )


@pinnable
def test_a_smaller_budget_pins_this_process_and_its_children_then_lets_go():
    before = os.sched_getaffinity(0)
    with core_budget(1) as cores:
        assert cores == 1
        assert len(os.sched_getaffinity(0)) == 1
        assert child_cores() == 1  # ffmpeg and workers inherit it
    assert os.sched_getaffinity(0) == before


@pinnable
def test_no_budget_or_a_large_one_pins_nothing():
    before = os.sched_getaffinity(0)
    with core_budget(None) as cores:
        assert cores == available_cores()
        assert os.sched_getaffinity(0) == before
    with core_budget(64) as cores:
        assert cores == 64  # more workers than cores is the user's call
        assert os.sched_getaffinity(0) == before


@pinnable
def test_the_pin_is_released_when_the_block_fails():
    before = os.sched_getaffinity(0)
    with pytest.raises(RuntimeError), core_budget(1):
        raise RuntimeError("boom")
    assert os.sched_getaffinity(0) == before


def seat_of(seats, answers) -> None:
    from narrate.feed.batch import start_worker

    start_worker(os.getppid(), None, seats)
    answers.put(sorted(os.sched_getaffinity(0)))


@pinnable
def test_batch_workers_with_a_core_each_keep_to_their_own():
    import multiprocessing

    context = multiprocessing.get_context("fork")
    seats, answers = context.Value("i", 0), context.SimpleQueue()
    workers = [context.Process(target=seat_of, args=(seats, answers)) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    cores = [answers.get(), answers.get()]
    assert all(len(c) == 1 for c in cores) and cores[0] != cores[1]

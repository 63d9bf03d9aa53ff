"""Forked work: one helper (core/forking.py) for every stage that splits its work, one policy
for how many processes pay."""
from __future__ import annotations

import os

import pytest

from conftest import modules
from smbsite.core.forking import cpu_jobs, fork_map, jobs_for
from smbsite.core.problems import ContentError, Problem
from smbsite.publishing.write import OutputError


def test_each_process_does_its_share_and_the_results_come_back_in_order():
    got = fork_map(lambda index, jobs: (index, jobs, os.getpid()), 3)
    assert [g[:2] for g in got] == [(0, 3), (1, 3), (2, 3)]
    assert got[0][2] == os.getpid() and len({g[2] for g in got}) == 3


def test_content_problems_of_every_process_are_raised_together():
    def work(index: int, jobs: int) -> None:
        raise ContentError([Problem(f"members/m{index}.yaml", 1, 1, "broken")])

    with pytest.raises(ContentError) as caught:
        fork_map(work, 2)
    assert sorted(p.path for p in caught.value.problems) == ["members/m0.yaml", "members/m1.yaml"]


def test_an_output_folder_error_in_a_worker_is_raised_as_itself_and_a_bug_with_its_traceback():
    def refused(index: int, jobs: int) -> None:
        if index == 1:
            raise OutputError("cannot write the output folder /x: disk full")

    with pytest.raises(OutputError, match="disk full"):
        fork_map(refused, 2)

    def bug(index: int, jobs: int) -> None:
        if index == 1:
            raise KeyError("oops")

    with pytest.raises(RuntimeError, match="KeyError"):
        fork_map(bug, 2)


def test_one_policy_says_how_many_processes_pay(monkeypatch):
    monkeypatch.delenv("SMBSITE_JOBS", raising=False)
    assert jobs_for(10, 1.0) == 1  # 10 ms of work: forking costs more
    assert jobs_for(100_000, 1.0) == cpu_jobs()
    assert jobs_for(100_000, 1.0, most=1) == 1
    monkeypatch.setenv("SMBSITE_JOBS", "3")
    assert jobs_for(1, 1.0) == 3


def test_no_module_forks_but_the_helper():
    forking = [name for name, path in modules().items() if name != "core.forking"
               and any(word in path.read_text(encoding="utf-8") for word in ("multiprocessing", "os.fork("))]
    assert forking == []

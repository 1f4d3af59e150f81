"""The watchdog's verdict: which input partitions have stopped being read (services/platform)."""

from __future__ import annotations

from services.platform.watchdog import Reading, stalled

AFTER = 60.0


def test_a_partition_left_unread_while_the_others_are_read_is_stalled():
    # faust-streaming 629: one partition is never fetched again, the others flow.
    readings = {"p0": Reading(lag=12, quiet_s=61), "p1": Reading(lag=3, quiet_s=2)}
    assert stalled(readings, after_s=AFTER, busy=True) == ["p0"]


def test_a_worker_that_reads_nothing_and_handles_nothing_with_messages_waiting_is_stalled():
    readings = {"p0": Reading(lag=12, quiet_s=90), "p1": Reading(lag=0, quiet_s=90)}
    assert stalled(readings, after_s=AFTER, busy=False) == ["p0"]


def test_a_worker_busy_with_a_long_backlog_is_not_stalled():
    # Handling what it holds, it reads nothing for a while: that is work, not a stall.
    readings = {"p0": Reading(lag=12, quiet_s=90), "p1": Reading(lag=7, quiet_s=90)}
    assert stalled(readings, after_s=AFTER, busy=True) == []


def test_quiet_partitions_with_nothing_waiting_are_not_stalled():
    readings = {"p0": Reading(lag=0, quiet_s=3600), "p1": Reading(lag=0, quiet_s=2)}
    assert stalled(readings, after_s=AFTER, busy=False) == []
    assert stalled({"p0": Reading(lag=5, quiet_s=59)}, after_s=AFTER, busy=False) == []

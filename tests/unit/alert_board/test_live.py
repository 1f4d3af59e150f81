"""Live updates: what a reconnecting page missed, when it must reload, and slow listeners."""

from __future__ import annotations

from services.alert_board.live import CLOSE, QUEUE_LIMIT, LiveFeed


def test_a_page_gets_what_it_missed_since_its_last_id() -> None:
    feed = LiveFeed(backlog=10, run="run1")
    for n in range(4):
        feed.publish("alert", {"n": n})

    assert [m.data["n"] for m in feed.missed_since("run1-2")] == [2, 3]
    assert feed.missed_since("run1-4") == []
    assert feed.last_id == "run1-4"


def test_a_page_must_reload_when_its_id_is_from_another_run_too_old_or_malformed() -> None:
    feed = LiveFeed(backlog=2, run="run2")
    for n in range(5):
        feed.publish("alert", {"n": n})

    assert feed.missed_since("run2-2") is None  # message 3 is no longer held
    assert feed.missed_since("run2-3") is not None
    assert feed.missed_since("run1-5") is None  # rendered before the board restarted
    assert feed.missed_since("run2-9") is None
    assert feed.missed_since("") is None
    assert feed.missed_since("run2-x") is None


def test_messages_are_server_sent_events_with_one_json_line() -> None:
    feed = LiveFeed(run="r")

    message = feed.publish("alert", {"row": "<tr>\n</tr>", "name": "α-PHP"})

    assert message.encode() == (
        'id: r-1\nevent: alert\ndata: {"row":"<tr>\\n</tr>","name":"α-PHP"}\n\n'.encode()
    )


def test_every_listener_gets_each_message_until_it_leaves() -> None:
    feed = LiveFeed(run="r")
    first, second = feed.listen(), feed.listen()

    feed.publish("alert", {"n": 1})
    feed.leave(second)
    feed.publish("alert", {"n": 2})

    assert [first.get_nowait().seq, first.get_nowait().seq] == [1, 2]
    assert second.get_nowait().seq == 1 and second.empty()


def test_a_listener_that_falls_behind_is_dropped_and_told_to_close() -> None:
    drops = []
    feed = LiveFeed(run="r", on_drop=lambda: drops.append(1))
    slow = feed.listen()

    for n in range(QUEUE_LIMIT + 1):
        feed.publish("alert", {"n": n})

    assert feed.listeners == 0 and drops == [1]
    assert slow.get_nowait() is CLOSE


def test_closing_ends_every_stream() -> None:
    feed = LiveFeed(run="r")
    queues = [feed.listen(), feed.listen()]

    feed.close_all()

    assert [q.get_nowait() for q in queues] == [CLOSE, CLOSE] and feed.listeners == 0

"""A partition left unread is found and its worker restarted (services/platform/watchdog.py).

faust-streaming can leave an assigned partition unread after a rebalance (its issue 629), while
the worker looks alive and its other partitions flow. The fault is injected here: the monitor stops
fetching the detections partition of alpha-PHP after three messages
(``AW_FAULT_PAUSE_PARTITION``, once per state folder). Its watchdog must find the partition unread
with messages waiting, exit 75, and the restarted worker (the harness restarts it, as docker-compose
and ``make up`` do) must read on: the alerts are then the replay's, whole.
"""

from __future__ import annotations

from aiokafka.partitioner import DefaultPartitioner
from e2e_harness import Pipeline, assert_same_as_replay, publish, settled_alerts

from contracts.topics import DETECTIONS
from services.platform.settings import ServiceSettings
from services.scenario import build_scenario
from services.scenario.substances import ALPHA_PHP


def test_a_partition_left_unread_is_found_and_its_worker_restarted(
    kafka_settings: ServiceSettings, tmp_path
) -> None:
    key = ALPHA_PHP.inchikey.encode()  # its match key: alpha-PHP has no stereo layer
    partition = DefaultPartitioner()(key, list(range(DETECTIONS.partitions)), [])
    fault = {
        "AW_STALL_AFTER_S": "6",
        "AW_FAULT_PAUSE_PARTITION": f"{DETECTIONS.name}/{partition}@3",
    }
    events = build_scenario()
    with Pipeline.running(kafka_settings, tmp_path, {"analogue_monitor": fault}) as pipeline:
        publish(kafka_settings, events)
        alerts = settled_alerts(kafka_settings, pipeline, quiet_s=10, timeout_s=240)
        assert pipeline.restarted == ["analogue_monitor"], pipeline.logs()
        assert "stopped being read" in (tmp_path / "analogue_monitor.log").read_text()
        assert_same_as_replay(alerts, events, pipeline, "stalled_partition")

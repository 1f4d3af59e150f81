"""The board's settings: defaults for a developer's machine, environment names for deployment."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.alert_board.config import BoardSettings


def test_defaults_serve_on_loopback_port_8088() -> None:
    settings = BoardSettings.from_env({})

    assert (settings.host, settings.port, settings.metrics_port) == ("127.0.0.1", 8088, 0)
    assert settings.kafka_bootstrap_servers == "127.0.0.1:9092"


def test_the_environment_names_every_setting() -> None:
    settings = BoardSettings.from_env(
        {
            "AW_BOARD_PORT": "9000",
            "AW_BOARD_HOST": "0.0.0.0",
            "AW_METRICS_PORT": "9104",
            "AW_TOPIC_NAMESPACE": "demo.",
            "UNRELATED": "x",
        }
    )

    assert (settings.host, settings.port, settings.metrics_port) == ("0.0.0.0", 9000, 9104)
    assert settings.topic_namespace == "demo."
    assert {"AW_BOARD_PORT", "AW_BOARD_HOST", "AW_METRICS_PORT"} <= BoardSettings.env_names()


def test_a_port_out_of_range_is_refused() -> None:
    with pytest.raises(ValidationError, match="AW_BOARD_PORT"):
        BoardSettings.from_env({"AW_BOARD_PORT": "70000"})

"""Substance resolver settings, from the environment."""

from pydantic import Field

from services.platform.stream import StreamSettings


class ResolverSettings(StreamSettings):
    metrics_port: int = Field(9102, alias="AW_METRICS_PORT", ge=0, le=65535)
    data_dir: str = Field(".run/state/substance_resolver", alias="AW_DATA_DIR")

"""Schedule registry settings, from the environment."""

from pydantic import Field

from services.platform.stream import StreamSettings


class RegistrySettings(StreamSettings):
    metrics_port: int = Field(9101, alias="AW_METRICS_PORT", ge=0, le=65535)
    data_dir: str = Field(".run/state/schedule_registry", alias="AW_DATA_DIR")

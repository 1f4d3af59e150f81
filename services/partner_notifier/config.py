"""Partner notifier settings, from the environment.

``AW_NOTIFY_JURISDICTIONS`` names the jurisdictions whose alerts are told to partner agencies,
comma-separated (``KZ``); empty, the default, tells every alert on ``aw.alerts``.
"""

from pydantic import Field, field_validator

from contracts.countries import is_country_code
from services.platform.stream import StreamSettings


class NotifierSettings(StreamSettings):
    metrics_port: int = Field(9105, alias="AW_METRICS_PORT", ge=0, le=65535)
    data_dir: str = Field(".run/state/partner_notifier", alias="AW_DATA_DIR")
    notify_jurisdictions: str = Field("", alias="AW_NOTIFY_JURISDICTIONS")

    @field_validator("notify_jurisdictions")
    @classmethod
    def _country_codes(cls, value: str) -> str:
        unknown = [code for code in _codes(value) if not is_country_code(code)]
        if unknown:
            raise ValueError(f"not ISO 3166-1 alpha-2 codes: {', '.join(unknown)}")
        return value

    def jurisdictions(self) -> frozenset[str]:
        """The jurisdictions notified (empty: every one).

        >>> sorted(NotifierSettings.from_env({"AW_NOTIFY_JURISDICTIONS": "KZ, UZ"}).jurisdictions())
        ['KZ', 'UZ']
        """
        return frozenset(_codes(self.notify_jurisdictions))


def _codes(value: str) -> list[str]:
    return [code.strip() for code in value.split(",") if code.strip()]

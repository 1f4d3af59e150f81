"""Why a message was rejected: an error class for machines and a reason for people.

>>> err = ContractError("schema_violation", "data.mass_g: must be >= 0", field="data.mass_g")
>>> err.error_class
<ErrorClass.SCHEMA_VIOLATION: 'schema_violation'>
>>> str(err)
'schema_violation: data.mass_g: must be >= 0'
"""

from __future__ import annotations

from enum import StrEnum


class ErrorClass(StrEnum):
    """The kind of failure, as recorded on a dead letter."""

    MALFORMED_JSON = "malformed_json"  # not UTF-8, or not JSON
    NOT_AN_OBJECT = "not_an_object"  # JSON, but not a {...} object
    UNKNOWN_TYPE = "unknown_type"  # no such event type, or not accepted on this topic
    SCHEMA_VIOLATION = "schema_violation"  # a field breaks a rule of the contract
    OVERSIZED = "oversized"  # bigger than the size limit
    INVALID_STRUCTURE = "invalid_structure"  # a SMILES/InChI/MOL block/SMARTS chemistry rejected
    INTERNAL_ERROR = "internal_error"  # our fault: the message may be fine


class ContractError(ValueError):
    """A message that breaks the contract.

    ``reason`` names the field and the rule in words a person can act on; ``field`` is the dotted
    path of the first offending field (``data.items[0].mass_g``) when there is one.
    """

    def __init__(self, error_class: ErrorClass | str, reason: str, field: str | None = None):
        self.error_class = ErrorClass(error_class)
        self.reason = reason
        self.field = field
        super().__init__(f"{self.error_class.value}: {reason}")

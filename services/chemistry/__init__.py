"""Chemistry core: structure intake, standardisation, family rules, classification. Pure RDKit."""

from services.chemistry.intake import Limits, StructureError
from services.chemistry.standardisation import Parent, standardise

__all__ = ["Limits", "Parent", "StructureError", "standardise"]

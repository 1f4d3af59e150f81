"""A stand-in classifier for the stories until the chemistry core's ``classify`` lands.

Listed: a listing standardises to the same match key. Group: a group's SMARTS matches (and no
exclusion does). Analogue: Morgan Tanimoto >= 0.5 to a listing. Pending cover: the same tests
against each pending amendment's substances and groups.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rdkit import Chem, DataStructs
from rdkit.Chem import rdFingerprintGenerator

from contracts.alerts import NearestListed, PendingAmendmentRef, RuleFired
from contracts.substances import GroupDefinition, Structure
from services.chemistry import standardise
from services.domain.timeline import ScheduleAt

_fp = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=2048)


@dataclass(frozen=True)
class Verdict:
    status: str
    rules_fired: tuple[RuleFired, ...] = ()
    nearest: tuple[NearestListed, ...] = ()
    pending_cover: tuple[PendingAmendmentRef, ...] = ()


@lru_cache(maxsize=256)
def _parent(smiles: str):
    return standardise(Structure(smiles=smiles))


def _matches(group: GroupDefinition, mol: Chem.Mol) -> bool:
    if not mol.HasSubstructMatch(Chem.MolFromSmarts(group.smarts)):
        return False
    return not any(mol.HasSubstructMatch(Chem.MolFromSmiles(x)) for x in group.exclusions)


def classify(smiles: str, view: ScheduleAt) -> Verdict:
    parent = _parent(smiles)
    listed = [(x, _parent(x.structure.smiles)) for x in view.state.listings]
    cover = []
    for a in view.state.amendments:
        by_name = any(
            _parent(s.structure.smiles).match_key == parent.match_key for s in a.substances
        )
        group = next((g for g in a.group_definitions if _matches(g, parent.mol)), None)
        if by_name or group:
            cover.append(
                PendingAmendmentRef(
                    amendment_id=a.amendment_id,
                    stage=a.stage,
                    since=a.stage_changed_at,
                    covers_by="name" if by_name else f"group:{group.name}",
                )
            )
    if any(p.match_key == parent.match_key for _, p in listed):
        return Verdict("listed", pending_cover=tuple(cover))
    group = next((g for g in view.state.groups if _matches(g.definition, parent.mol)), None)
    if group is not None:
        fired = RuleFired(rule=f"group:{group.definition.name}", explanation="matches the group")
        return Verdict("group", rules_fired=(fired,), pending_cover=tuple(cover))
    fp = _fp.GetFingerprint(parent.mol)
    scored = sorted(
        (
            (DataStructs.TanimotoSimilarity(fp, _fp.GetFingerprint(p.mol)), x.name)
            for x, p in listed
        ),
        reverse=True,
    )
    nearest = tuple(NearestListed(name=name, similarity=round(s, 3)) for s, name in scored[:3])
    if not scored or scored[0][0] < 0.5:
        return Verdict("unrelated", nearest=nearest)
    fired = RuleFired(rule="similar-to-listed", explanation="Tanimoto >= 0.5 to a listed substance")
    return Verdict("analogue", rules_fired=(fired,), nearest=nearest, pending_cover=tuple(cover))

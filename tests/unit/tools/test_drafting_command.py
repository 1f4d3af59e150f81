"""`analogue-watch draft-group` writes an amendment the schedule registry accepts, and once it is
enacted the substances it was drafted for are controlled by it (issue 18).

Structures: unlisted synthetic cathinones reported to early-warning systems; the schedule is the
Kazakhstan demo baseline (services/chemistry/data/kz_baseline.jsonl), whose listed cathinones the
draft must cover too.
"""

from __future__ import annotations

import datetime as dt
import json

from contracts.codec import decode
from contracts.legislation import AmendmentEnacted, AmendmentEnactedData
from contracts.topics import LEGISLATION
from services.chemistry import standardise
from services.chemistry.baseline import JSONL_PATH
from services.chemistry.classification import ScheduleIndex, classify
from services.cli import main
from services.schedule_registry.handlers import RegistryDeps, handle_legislation

STRUCTURES = (
    "CCCCC(N1CCCC1)C(=O)c1ccccc1 alpha-PHP\n"
    "CCCCC(NCC)C(=O)c1ccccc1 N-ethylhexedrone\n"
    "CCNC(C)C(=O)c1ccc(Cl)cc1 4-CEC\n"
)
AS_OF = dt.date(2025, 6, 1)


def draft_group(structures, *options: str) -> int:
    """``analogue-watch draft-group`` on a structure file against the KZ demo schedule."""
    return main(
        [
            "draft-group",
            "--structures",
            str(structures),
            "--schedule",
            str(JSONL_PATH),
            "--jurisdiction",
            "KZ",
            *options,
        ]
    )


def test_the_drafted_amendment_is_accepted_and_once_enacted_controls_the_group(tmp_path, capsys):
    structures = tmp_path / "cathinones.txt"
    structures.write_text(STRUCTURES, encoding="utf-8")
    out = tmp_path / "amendment.jsonl"
    code = draft_group(
        structures,
        "--as-of",
        AS_OF.isoformat(),
        "--name",
        "cathinones-2026",
        "--amendment",
        str(out),
    )
    assert code == 0
    report = capsys.readouterr().out
    assert "Mephedrone (listed)" in report  # the listed relatives are covered too
    assert "\nchosen: " in report

    proposed = decode(out.read_bytes().strip(), accept=LEGISLATION.types)
    groups = proposed.data.group_definitions
    assert [g.name for g in groups] == ["cathinones-2026"]
    enacted = AmendmentEnacted(
        id="enacted-1",
        source="kz.government",
        jurisdiction="KZ",
        time=proposed.time,
        published=proposed.time,
        data=AmendmentEnactedData(amendment_id=proposed.data.amendment_id, effective_from=AS_OF),
    )
    lines = JSONL_PATH.read_text(encoding="utf-8").splitlines()
    events = [decode(line.encode(), accept=LEGISLATION.types) for line in lines if line.strip()]
    state = None
    deps = RegistryDeps(standardise=standardise)
    for event in [*events, proposed, enacted]:
        outcome = handle_legislation(event, state, deps)
        assert outcome.rejections == (), event.id
        state = outcome.state
    assert state is not None
    assert any(g.definition.name == "cathinones-2026" for g in state.schedule.groups)

    index = ScheduleIndex.build(state.schedule, jurisdiction="KZ")
    assert index.problems == ()
    for line in STRUCTURES.splitlines():
        smiles, name = line.split(" ", 1)
        found = classify(standardise(smiles), index, as_of=AS_OF)
        assert found.status == "group", (name, found.status)


def test_a_structure_file_of_one_family_is_drafted_as_json(tmp_path, capsys):
    structures = tmp_path / "cathinones.txt"
    structures.write_text(STRUCTURES, encoding="utf-8")
    code = draft_group(structures, "--as-of", AS_OF.isoformat(), "--name", "c", "--json")
    assert code == 0
    draft = json.loads(capsys.readouterr().out)
    assert [c["label"] for c in draft["candidates"]] == ["as seen", "open core", "family rule"]
    assert draft["chosen"] in {"as seen", "open core", "family rule"}
    assert all(c["missed"] == [] for c in draft["candidates"])


def test_substances_of_two_families_are_refused_with_a_reason(tmp_path, capsys):
    structures = tmp_path / "mixed.txt"
    structures.write_text(
        "CCCCC(N1CCCC1)C(=O)c1ccccc1 alpha-PHP\n"
        "CCCCn1nc(C(=O)NC(C(N)=O)C(C)(C)C)c2ccccc21 ADB-BUTINACA\n",
        encoding="utf-8",
    )
    code = draft_group(structures, "--name", "x")
    assert code == 2
    assert "too little for a definition" in capsys.readouterr().err

"""Every example in contracts/GUIDE.md is checked against the code."""

from __future__ import annotations

import hashlib
import re

import pytest

from contracts.codec import decode
from contracts.dead_letter import DeadLettered, original_bytes
from contracts.errors import ContractError
from contracts.events import INCOMING_TYPES
from contracts.notifications import PartnerNotified
from contracts.publish import CONTRACTS_DIR
from contracts.topics import DAY_MS, TOPICS

GUIDE = (CONTRACTS_DIR / "GUIDE.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```json\n(.*?)```", GUIDE, flags=re.DOTALL)


def test_the_guide_has_examples():
    assert len(BLOCKS) >= len(INCOMING_TYPES) + 1


@pytest.mark.parametrize("block", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_every_example_in_the_guide_decodes(block):
    # Decoded against the real clock: a guide example dated in the future would be rejected.
    event = decode(block.encode("utf-8"))

    assert event.type in INCOMING_TYPES or isinstance(event, DeadLettered | PartnerNotified)


def test_the_guide_shows_every_incoming_event_type():
    shown = {decode(block.encode()).type for block in BLOCKS}

    assert shown >= INCOMING_TYPES


def dead_letter_examples() -> list[DeadLettered]:
    events = [decode(block.encode()) for block in BLOCKS]
    return [event for event in events if isinstance(event, DeadLettered)]


def test_the_guide_shows_one_rejection():
    assert len(dead_letter_examples()) == 1


def test_the_rejection_in_the_guide_is_what_the_codec_says_about_its_original():
    (dl,) = dead_letter_examples()
    raw = original_bytes(dl.data)

    with pytest.raises(ContractError) as caught:
        decode(raw, now=dl.data.failed_at)

    assert (caught.value.error_class, caught.value.field, caught.value.reason) == (
        dl.data.error_class,
        dl.data.field,
        dl.data.reason,
    )
    assert dl.data.original_size_bytes == len(raw)
    assert dl.data.original_sha256 == hashlib.sha256(raw).hexdigest()


def test_the_guide_shows_partners_one_notification_and_how_to_read_it():
    events = [decode(block.encode()) for block in BLOCKS]
    assert len([e for e in events if isinstance(e, PartnerNotified)]) == 1
    assert "## Reading notifications as a partner agency" in GUIDE
    assert "--group partner.partner-uz" in GUIDE


def test_the_guide_lists_every_topic_with_its_key_and_partitions():
    for topic in TOPICS:
        days = topic.retention_ms // DAY_MS
        retention = "forever" if topic.retention_ms == -1 else f"{days} days"
        row = (
            f"| `{topic.name}` | {topic.key} | {topic.partitions} | {topic.cleanup_policy} "
            f"| {retention} | {', '.join(topic.producers)} |"
        )
        assert row in GUIDE.splitlines(), f"GUIDE.md topic table is stale for {topic.name}"


def test_the_guide_says_where_rejections_go_and_forbids_personal_data():
    assert "**`aw.dead-letters`**" in GUIDE
    assert "Do not send personal data about suspects" in GUIDE

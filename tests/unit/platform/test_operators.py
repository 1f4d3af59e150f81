"""Operators authenticate with a scrypt-hashed password from the operators file."""

from __future__ import annotations

import base64
import json
import stat

import pytest

from services.platform.operators import (
    add_operator,
    authenticate,
    basic_credentials,
    check_name,
    hash_password,
    load_operators,
    verify_password,
)


def basic(name: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{name}:{password}".encode()).decode()


def test_a_hash_verifies_its_password_only():
    stored = hash_password("correct horse battery")

    assert verify_password("correct horse battery", stored)
    assert not verify_password("correct horse batter", stored)
    assert hash_password("correct horse battery") != stored  # a fresh salt each time


@pytest.mark.parametrize(
    "stored", ["", "scrypt$zz$00", "bcrypt$00$00", "scrypt$00", "plain-text-password"]
)
def test_a_malformed_entry_verifies_nothing(stored):
    assert not verify_password("plain-text-password", stored)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (basic("aigerim", "s3cret:with:colons"), ("aigerim", "s3cret:with:colons")),
        ("basic " + base64.b64encode(b"bolat:x").decode(), ("bolat", "x")),
        (None, None),
        ("", None),
        ("Bearer abc", None),
        ("Basic", None),
        ("Basic !!!notbase64", None),
        ("Basic " + base64.b64encode(b"no-colon").decode(), None),
        ("Basic " + base64.b64encode(b":password").decode(), None),
        ("Basic " + base64.b64encode(b"\xff\xfe:x").decode(), None),
    ],
)
def test_basic_credentials_are_read_or_refused(header, expected):
    assert basic_credentials(header) == expected


def test_only_a_known_operator_with_the_right_password_authenticates():
    operators = {"aigerim": hash_password("correct horse battery")}

    assert authenticate(operators, basic("aigerim", "correct horse battery")) == "aigerim"
    assert authenticate(operators, basic("aigerim", "wrong password!")) is None
    assert authenticate(operators, basic("mallory", "correct horse battery")) is None
    assert authenticate(operators, None) is None
    assert authenticate({}, basic("aigerim", "correct horse battery")) is None


def test_adding_operators_writes_a_private_file_and_updates_a_password(tmp_path):
    path = tmp_path / "operators.json"

    assert add_operator(path, "aigerim", "first password 1")
    assert add_operator(path, "bolat", "second password 2")
    assert not add_operator(path, "aigerim", "a new password 3")

    operators = load_operators(path)
    assert sorted(operators) == ["aigerim", "bolat"]
    assert verify_password("a new password 3", operators["aigerim"])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert all(v.startswith("scrypt$") for v in json.loads(path.read_text()).values())


@pytest.mark.parametrize("name", ["", "a:b", "-x", "a b", "x" * 65, "<script>"])
def test_a_name_that_could_not_log_in_or_would_confuse_is_refused(name):
    with pytest.raises(ValueError, match="operator name"):
        check_name(name)


def test_a_short_password_or_a_bad_file_is_refused(tmp_path):
    path = tmp_path / "operators.json"
    with pytest.raises(ValueError, match="at least 12"):
        add_operator(path, "aigerim", "short")
    path.write_text('["aigerim"]')
    with pytest.raises(ValueError, match="JSON object of operator name"):
        load_operators(path)
    assert load_operators(tmp_path / "missing.json") == {}

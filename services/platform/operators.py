"""Who may act on alerts at the board: named operators, each with a scrypt-hashed password.

The operators file (``AW_BOARD_OPERATORS``) is a JSON object of name to
``scrypt$<salt hex>$<hash hex>``, written by ``analogue-watch operators add NAME``. The board
checks HTTP Basic credentials against it; nothing anonymous may act, and the name an action is
written under is the one that authenticated, never one the request names.

>>> stored = hash_password("correct horse", salt=bytes(16))
>>> stored.split("$")[0], len(stored.split("$")[1]), len(stored.split("$")[2])
('scrypt', 32, 64)
>>> verify_password("correct horse", stored), verify_password("wrong", stored)
(True, False)
>>> basic_credentials("Basic " + base64.b64encode(b"aigerim:pa:ss").decode())
('aigerim', 'pa:ss')
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import re
import secrets
from pathlib import Path

SCRYPT_N, SCRYPT_R, SCRYPT_P, SCRYPT_LEN = 2**14, 8, 1, 32
"""scrypt's cost (about 16 MiB and a few tens of milliseconds a check) and the hash length."""
SALT_BYTES = 16
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$"
MIN_PASSWORD = 12

_DUMMY = "scrypt$" + "00" * SALT_BYTES + "$" + "00" * SCRYPT_LEN


def check_name(name: str) -> str:
    """``name`` when it may name an operator: letters, digits and ``._@-``, at most 64."""
    if not re.fullmatch(NAME_PATTERN, name):
        raise ValueError(
            f"operator name {name!r}: use letters, digits and . _ @ - (at most 64, "
            "starting with a letter or digit)"
        )
    return name


def _scrypt(password: str, salt: bytes) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=SCRYPT_LEN
    )


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """``scrypt$<salt hex>$<hash hex>`` for ``password`` (a fresh random salt by default)."""
    salt = secrets.token_bytes(SALT_BYTES) if salt is None else salt
    return f"scrypt${salt.hex()}${_scrypt(password, salt).hex()}"


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` is the one ``stored`` was hashed from (compared in constant time);
    False for a malformed entry."""
    parts = stored.split("$")
    if len(parts) != 3 or parts[0] != "scrypt":
        return False
    try:
        salt, expected = bytes.fromhex(parts[1]), bytes.fromhex(parts[2])
    except ValueError:
        return False
    return hmac.compare_digest(_scrypt(password, salt), expected)


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    """The name and password of an ``Authorization: Basic …`` header, or None."""
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "basic" or not token:
        return None
    try:
        decoded = base64.b64decode(token.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    name, colon, password = decoded.partition(":")
    return (name, password) if colon and name else None


def authenticate(operators: dict[str, str], header: str | None) -> str | None:
    """The operator the header authenticates, or None. An unknown name costs the same scrypt
    as a known one, so the time taken does not tell which names exist."""
    credentials = basic_credentials(header)
    if credentials is None:
        return None
    name, password = credentials
    stored = operators.get(name)
    ok = verify_password(password, stored or _DUMMY)
    return name if ok and stored is not None else None


def load_operators(path: Path) -> dict[str, str]:
    """The operators file: name to stored hash. A missing file is no operators."""
    if not path.exists():
        return {}
    doc = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(doc, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in doc.items()
    ):
        raise ValueError(f"{path}: expected a JSON object of operator name to scrypt hash")
    return doc


def add_operator(path: Path, name: str, password: str) -> bool:
    """Add ``name`` to the operators file, or give it a new password; True when it is new.
    The file is replaced whole and readable by its owner only."""
    check_name(name)
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"the password must be at least {MIN_PASSWORD} characters")
    operators = load_operators(path)
    new = name not in operators
    operators[name] = hash_password(password)
    temporary = path.with_name(path.name + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        json.dump(operators, out, indent=2, sort_keys=True)
        out.write("\n")
    os.replace(temporary, path)
    return new

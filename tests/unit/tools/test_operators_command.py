"""``analogue-watch operators add`` writes the file the board authenticates against."""

from __future__ import annotations

import io

import pytest

from services.cli import main
from services.platform.operators import load_operators, verify_password


def test_add_reads_the_password_from_stdin_and_writes_its_hash(tmp_path, monkeypatch, capsys):
    path = tmp_path / "operators.json"
    monkeypatch.setattr("sys.stdin", io.StringIO("correct horse battery\n"))

    assert main(["operators", "add", "aigerim", "--file", str(path), "--password-stdin"]) == 0

    assert verify_password("correct horse battery", load_operators(path)["aigerim"])
    assert "added operator aigerim" in capsys.readouterr().out


def test_add_takes_the_file_from_the_board_setting_and_asks_twice(tmp_path, monkeypatch):
    path = tmp_path / "operators.json"
    monkeypatch.setenv("AW_BOARD_OPERATORS", str(path))
    answers = iter(["correct horse battery", "correct horse battery"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))

    assert main(["operators", "add", "bolat"]) == 0
    assert "bolat" in load_operators(path)


def test_two_different_passwords_change_nothing(tmp_path, monkeypatch):
    path = tmp_path / "operators.json"
    answers = iter(["correct horse battery", "correct horse batterY"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))

    with pytest.raises(SystemExit, match="differ"):
        main(["operators", "add", "bolat", "--file", str(path)])
    assert not path.exists()


def test_without_a_file_it_says_how_to_name_one(monkeypatch):
    monkeypatch.delenv("AW_BOARD_OPERATORS", raising=False)

    with pytest.raises(SystemExit, match="--file PATH or AW_BOARD_OPERATORS"):
        main(["operators", "add", "bolat", "--password-stdin"])

"""One CLI grammar (issue 15, item 5): ``--data`` on every data-taking command (the
positional form kept as an alias), every option's help shows its default, worked examples
in ``claims --help``, progress only on a terminal, no kernel transport warning."""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from influtiers.cli import COMMANDS, build_parser, main
from influtiers.cli_help import HelpFormatter

REPO = Path(__file__).resolve().parents[1]


def _subparsers():
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices


def _options(p):
    return [a for a in p._actions if a.option_strings and a.dest not in ("help", "version")]


def test_every_option_has_help_and_shows_its_default():
    fmt = HelpFormatter("influtiers")
    seen = 0
    for name, p in _subparsers().items():
        for a in _options(p):
            assert a.help, f"{name} {a.option_strings[0]} has no help text"
            text = fmt._get_help_string(a) % {"default": a.default}
            if a.default not in (None, False):
                seen += 1
                shown = (
                    " ".join(map(str, a.default))
                    if isinstance(a.default, tuple | list)
                    else str(a.default)
                )
                assert "default" in text and (shown in text or "each claim" in text), (
                    name,
                    a.option_strings,
                    text,
                )
    assert seen >= 15  # the check ran over the real options


def test_rendered_help_states_defaults(capsys):
    assert main(["claims", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "(default: 20261125)" in out and "(default: 0.8 1.25)" in out
    assert "(default: USD)" in out and "(default: duckdb)" in out


def test_claims_help_epilog_has_three_worked_examples(capsys):
    assert main(["claims", "--help"]) == 0
    out = capsys.readouterr().out
    examples = out.split("examples:")[1]
    runs = [ln.strip() for ln in examples.splitlines() if ln.strip().startswith("influtiers ")]
    assert len(runs) == 3
    assert "--data demo" in runs[0]
    assert "--mapping" in runs[1] and ".csv" in runs[1]
    assert runs[2].count("--data ") >= 2


def test_every_command_is_documented():
    assert set(_subparsers()) == set(COMMANDS)


@pytest.mark.parametrize("command", ["validate", "tiers"])
def test_data_option_and_positional_alias(command, capsys):
    assert main([command, "--data", "demo", "--format", "json"]) == 0
    by_option = json.loads(capsys.readouterr().out)
    assert main([command, "demo", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == by_option


@pytest.mark.parametrize("command", ["validate", "tiers"])
def test_data_missing_or_given_twice_is_one_line_exit_2(command, tmp_path, capsys):
    assert main([command]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--data" in err[0]
    assert main([command, "demo", "--data", str(tmp_path / "other.csv")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "two datasets" in err[0]


def test_piped_reproduce_has_no_control_characters_and_no_kernel_warning(tmp_path):
    """``influtiers reproduce --only 00`` with stdout and stderr piped: no ``\\r``/ESC
    (no progress bars off a terminal), one line per study with its time, and none of the
    kernel's "without encryption" warning."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    }
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "influtiers",
            "reproduce",
            "--only",
            "00",
            "--out",
            str(tmp_path / "run"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    both = proc.stdout + proc.stderr
    assert "\r" not in both and "\x1b" not in both
    assert "without encryption" not in proc.stderr
    assert any(
        ln.split()[:1] == ["00"] and ln.rstrip().endswith(" s") for ln in proc.stderr.splitlines()
    ), proc.stderr

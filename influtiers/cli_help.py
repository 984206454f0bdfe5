"""The command line's help: every option's default stated, worked examples per command."""

from __future__ import annotations

import argparse


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Help that states every option's default (unless its help already says it), with
    the epilogs' worked examples kept as written."""

    def _get_help_string(self, action):
        text = action.help or ""
        shown = action.default not in (None, False, argparse.SUPPRESS) and not (
            isinstance(action.default, list | tuple) and not action.default
        )
        if shown and "default" not in text and action.option_strings:
            default = action.default
            if isinstance(default, list | tuple):
                default = " ".join(str(x) for x in default)
            text = f"{text} (default: {str(default).replace('%', '%%')})".lstrip()
        return text


#: Worked examples at the end of a command's ``--help``.
EPILOGS = {
    "claims": """examples:
  the bundled demo panel (synthetic, with planted truths):
    influtiers claims --data demo
  your export, its columns renamed by a mapping file, as JSON:
    influtiers claims --data posts.csv --mapping mapping.yaml --format json
  two datasets side by side, with pooled rows and the published studies:
    influtiers claims --data ig=instagram.parquet --data tt=tiktok/ --data benchmarks
""",
    "validate": """examples:
  influtiers validate --data demo
  influtiers validate --data posts.csv --mapping mapping.yaml --quarantine rejected.csv
""",
    "tiers": """examples:
  influtiers tiers --data demo
  influtiers tiers --data posts.csv --scheme mediakix-2017 --unit post --format json
""",
    "reproduce": """examples:
  every study on the bundled data (demo and the published benchmarks):
    influtiers reproduce
  your data, two notebooks at a time, into a run folder of your own:
    influtiers reproduce --data posts.csv --mapping mapping.yaml --jobs 2 --out runs/mine
""",
}


__all__ = ["EPILOGS", "HelpFormatter"]

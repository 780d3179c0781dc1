"""What an idle bot holds in memory: the heavy libraries are imported on first need, not at startup."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Each costs the bot megabytes it need not hold while nobody uses what needs it (bench/footprint.py).
HEAVY = ("feedparser", "bs4", "markdownify", "dateparser", "matplotlib", "numpy", "icalendar")

PROBE = """
import importlib, json, pkgutil, sys
import bot, cogs
for package in pkgutil.iter_modules(cogs.__path__):
    for module in ("cog", "pool", "poller", "publisher", "render", "filters", "parse"):
        try:
            importlib.import_module(f"cogs.{package.name}.{module}")
        except ModuleNotFoundError as error:
            if error.name != f"cogs.{package.name}.{module}":
                raise
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] in HEAVY)))
"""


def test_the_bot_and_every_cog_import_no_heavy_library():
    probe = f"HEAVY = {HEAVY!r}\n{PROBE}"
    # A fresh interpreter: this one has imported them all already.
    result = subprocess.run(  # noqa: S603 — our own interpreter and probe
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60
    )

    assert json.loads(result.stdout) == []

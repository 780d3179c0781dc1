"""What this install of Agora is: its version, and where its own files are (locales, migrations, topics).

In a checkout they are the repository's `data/`. An installed wheel has no `data/` beside the code, so
the build packages a copy inside this package as `agora/data` (see `package-dir` in pyproject.toml).
"""

from __future__ import annotations

from importlib import metadata, resources
from pathlib import Path

DISTRIBUTION = "agora-community-bot"  # the name on the package index ("agora" is taken)
_CHECKOUT = Path(__file__).resolve().parent.parent / "data"


def data_folder() -> Path:
    """The packaged copy when installed from a wheel, else the checkout's `data/`."""
    packaged = Path(str(resources.files(__package__ or "agora") / "data"))
    return packaged if packaged.is_dir() else _CHECKOUT


def version() -> str:
    """The installed distribution's version; "dev" when run from a checkout that was never installed."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "dev"

"""The Node side of the audio renderer: where it lives and how it is installed.

Vocabulary:
- *renderer folder*: a folder holding ``worker.mjs``, ``package.json``,
  ``package-lock.json`` and the ``node_modules`` that ``npm ci`` installs from
  the lock file (``tone`` and ``node-web-audio-api``, pinned);
- the *package folder* (this folder) ships the three files in the wheel, never
  ``node_modules``; ``make`` installs the packages here. A pip install may be
  read-only, so ``python -m synharness.render.tone install`` installs into the
  user's cache (``~/.cache/synharness/tone-<lock digest>``) when this folder is
  not writable, copying the three files there: Node resolves ``import "tone"``
  from the script's own folder.

:func:`locate` finds an installed renderer folder (only ``$SYNHARNESS_TONE_DIR``
when it is set); the worker process itself is :mod:`synharness.render.node`'s.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

#: The folder shipped with the package.
PACKAGE_DIR = Path(__file__).resolve().parent
#: The files a renderer folder needs besides ``node_modules``.
FILES = ("worker.mjs", "package.json", "package-lock.json")
#: The npm packages the worker imports (pinned by the lock file).
PACKAGES = ("tone", "node-web-audio-api")
#: Overrides where the renderer folder is.
ENV_DIR = "SYNHARNESS_TONE_DIR"
#: Overrides the ``node`` executable.
ENV_NODE = "SYNHARNESS_NODE"


def lock_digest() -> str:
    """A short digest of the shipped lock file: a new pin gets a new cache folder."""
    return hashlib.sha256((PACKAGE_DIR / "package-lock.json").read_bytes()).hexdigest()[:12]


def cache_dir() -> Path:
    """The user-level renderer folder for this lock file."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "synharness" / f"tone-{lock_digest()}"


def is_installed(folder: Path) -> bool:
    """Whether ``folder`` holds the worker and every package it imports."""
    return all((folder / f).is_file() for f in FILES) and all(
        (folder / "node_modules" / p / "package.json").is_file() for p in PACKAGES
    )


def candidates() -> list[Path]:
    """Renderer folders in the order they are tried (only ``$SYNHARNESS_TONE_DIR`` when set)."""
    explicit = os.environ.get(ENV_DIR)
    return [Path(explicit)] if explicit else [PACKAGE_DIR, cache_dir()]


def locate() -> Path | None:
    """The first installed renderer folder, or None."""
    return next((f for f in candidates() if is_installed(f)), None)


def node_executable() -> str | None:
    """The ``node`` to run (``$SYNHARNESS_NODE`` or the one on PATH), or None."""
    explicit = os.environ.get(ENV_NODE)
    if explicit:
        return explicit if shutil.which(explicit) else None
    return shutil.which("node")


@dataclass(frozen=True)
class InstallResult:
    """What :func:`install` did."""

    folder: Path
    ok: bool
    #: What to tell the user (npm's error output when it failed).
    message: str


def _writable(folder: Path) -> bool:
    return os.access(folder, os.W_OK)


def install(*, folder: Path | None = None, npm: str | None = None) -> InstallResult:
    """Install the pinned Node packages with ``npm ci`` (no traceback on failure).

    Args:
        folder: Where to install; default the package folder when it is writable,
            else :func:`cache_dir`.
        npm: The npm executable; default the one on PATH.

    Returns:
        Where, whether it worked, and a message for the user.
    """
    target = folder or (PACKAGE_DIR if _writable(PACKAGE_DIR) else cache_dir())
    npm_exe = npm or shutil.which("npm")
    if npm_exe is None:
        return InstallResult(
            target, False, "npm not found: install Node.js >= 20 with npm, then run this again"
        )
    target.mkdir(parents=True, exist_ok=True)
    if target.resolve() != PACKAGE_DIR:
        for name in FILES:
            shutil.copyfile(PACKAGE_DIR / name, target / name)
    done = subprocess.run(
        [npm_exe, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=target,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        return InstallResult(target, False, "npm ci failed:\n" + "\n".join(tail))
    return InstallResult(target, True, f"Tone.js renderer installed in {target}")

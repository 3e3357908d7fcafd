"""Optional parts of the distribution (*extras*) and the check that one is installed.

The base install is what ``validate``, ``simulate``, ``score`` and the text,
JSON, JUnit, SARIF and Markdown reports need. The rest lives in extras named in
pyproject.toml; a command that needs a missing one stops with one line naming
it (:class:`MissingExtraError`, exit 2), never an ImportError traceback.
"""

from __future__ import annotations

from importlib.util import find_spec

from synharness.errors import HarnessError

#: The import names each extra brings, as checked before a command needs them.
EXTRA_MODULES: dict[str, tuple[str, ...]] = {
    "store": (
        "fastapi",
        "pydantic_settings",
        "sqlalchemy",
        "alembic",
        "uvicorn",
        "psycopg",
        "httpx",
        "redis",
        "sqlite_vec",
        "multipart",
        "fastapi_offline",
        "google.protobuf",
    ),
    # Empty since the HTML report draws its own SVG (the extra's name stays installable).
    "plots": (),
    "graph": ("networkx",),
    "render": ("moderngl", "glcontext", "PIL", "pyloudnorm", "scipy"),
    "ray": ("ray",),
    "ann": ("usearch",),
}


class MissingExtraError(HarnessError):
    """A command needs an extra that is not installed (exit 2)."""


def missing_modules(extra: str) -> list[str]:
    """The import names of ``extra`` that cannot be found."""
    missing = []
    for name in EXTRA_MODULES[extra]:
        try:
            found = find_spec(name) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            missing.append(name)
    return missing


def has_extra(extra: str) -> bool:
    """Whether every module of ``extra`` is importable."""
    return not missing_modules(extra)


def require_extra(extra: str, *, what: str) -> None:
    """Raise :class:`MissingExtraError` when ``extra`` is not installed.

    Args:
        extra: The extra's name in pyproject.toml (``store``, ``plots``, ...).
        what: What needs it, for the message (``synharness serve``).

    Raises:
        MissingExtraError: Some module of the extra cannot be imported.
    """
    missing = missing_modules(extra)
    if missing:
        raise MissingExtraError(
            f"{what} needs the '{extra}' extra (missing {', '.join(missing)}): "
            f"pip install 'synharness[{extra}]'"
        )

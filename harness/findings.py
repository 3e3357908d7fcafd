"""Findings: what validation and simulation observe, as data.

Vocabulary:
- *severity*: ``error`` (the asset is broken), ``warning`` (it works, but not as
  its author probably meant), ``info`` (worth knowing, never fails anything).
- *finding*: one observation with a stable ``code`` (see :mod:`synharness.codes`),
  an RFC 6901 JSON ``pointer`` into the document it is about, the ``line`` and
  ``column`` of the value the pointer names (1-based, when known), a
  ``message`` that says what is wrong and a ``hint`` that says how to fix it.
  ``file`` is set only when the pointer names another document than the asset
  the finding is filed under (a scenario file, for instance). ``end_line`` and
  ``end_column`` mark the character just after the value (SARIF's exclusive
  end), when known.
- *verdict*: ``fail`` with any error, ``warn`` with any warning, ``pass``
  otherwise.

Findings are never raised: validators return them and reporters read them.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class Severity(StrEnum):
    """How much a finding matters; ordered error > warning > info."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """2 for error, 1 for warning, 0 for info (for sorting and thresholds)."""
        return _RANK[self]


_RANK = {Severity.ERROR: 2, Severity.WARNING: 1, Severity.INFO: 0}


class Verdict(StrEnum):
    """The outcome of one asset: ``pass``, ``warn`` or ``fail``."""

    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"


class Finding(BaseModel):
    """One coded observation about a document."""

    model_config = ConfigDict(frozen=True)

    #: Stable machine code, ``SYN-<AREA>-<NNN>``; never reworded.
    code: str
    severity: Severity
    #: RFC 6901 JSON Pointer ("" is the whole document).
    pointer: str
    message: str
    hint: str = ""
    #: 1-based line and column of the value the pointer names, when known.
    line: int | None = None
    column: int | None = None
    #: The document the pointer refers to, when it is not the asset itself.
    file: str | None = None
    #: 1-based line and column just after the value (exclusive end), when known.
    end_line: int | None = None
    end_column: int | None = None

    def located(
        self,
        line: int | None,
        column: int | None,
        end_line: int | None = None,
        end_column: int | None = None,
    ) -> Finding:
        """Return a copy carrying ``line`` and ``column`` (and the end, when given)."""
        # What model_copy(update=...) does, at a third of its cost (every finding of a
        # document with findings is placed once): the values are already valid.
        fields = self.__dict__.copy()
        fields["line"], fields["column"] = line, column
        if end_line is None:
            return _assembled(fields, self.__pydantic_fields_set__ | _PLACED)
        fields["end_line"], fields["end_column"] = end_line, end_column
        return _assembled(fields, self.__pydantic_fields_set__ | _PLACED_WITH_END)


#: The fields :meth:`Finding.located` sets, without and with the end.
_PLACED = frozenset({"line", "column"})
_PLACED_WITH_END = _PLACED | {"end_line", "end_column"}
#: The fields :func:`new_finding` is given.
_GIVEN = frozenset({"code", "severity", "pointer", "message", "hint", "file"})

# The four slots pydantic gives every model instance, set through their descriptors:
# object.__setattr__ looks each name up along the model's classes first.
_new = object.__new__
_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


def _assembled(fields: dict[str, object], fields_set: set[str]) -> Finding:
    """The finding holding ``fields`` (valid values of every field, in the model's order),
    as pydantic would build it: no extra fields, no private attributes."""
    made: Finding = _new(Finding)
    _set_dict(made, fields)
    _set_fields_set(made, fields_set)
    _set_extra(made, None)
    _set_private(made, None)
    return made


def new_finding(
    code: str, severity: Severity, pointer: str, message: str, hint: str, file: str | None
) -> Finding:
    """``Finding(code=..., severity=..., pointer=..., message=..., hint=..., file=...)``, cheaply.

    Values of exactly the fields' types are what validation would keep as they
    are, so the finding is assembled without it (validating cost as much as the
    check that found it); any other value (a subclass of str, a severity spelled
    as a string) is validated as usual.
    """
    if (
        type(code) is str
        and type(severity) is Severity
        and type(pointer) is str
        and type(message) is str
        and type(hint) is str
        and (file is None or type(file) is str)
    ):
        fields: dict[str, object] = {
            "code": code,
            "severity": severity,
            "pointer": pointer,
            "message": message,
            "hint": hint,
            "line": None,
            "column": None,
            "file": file,
            "end_line": None,
            "end_column": None,
        }
        return _assembled(fields, set(_GIVEN))
    return Finding(
        code=code, severity=severity, pointer=pointer, message=message, hint=hint, file=file
    )


def verdict_of(findings: Iterable[Finding]) -> Verdict:
    """Return ``fail`` with any error, ``warn`` with any warning, else ``pass``."""
    worst = max((f.severity.rank for f in findings), default=0)
    if worst == 2:
        return Verdict.FAIL
    if worst == 1:
        return Verdict.WARN
    return Verdict.PASS


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Order findings for stable output: by pointer position, then code."""
    return sorted(findings, key=_order)


def _order(finding: Finding) -> tuple[str, int, int, str, str, str]:
    # Read from the instance dict: pydantic's __getattr__ keeps CPython from
    # specialising attribute reads, and every finding of every document is sorted.
    fields = finding.__dict__
    line, column = fields["line"], fields["column"]
    return (
        fields["file"] or "",
        line if line is not None else 1 << 30,
        column if column is not None else 0,
        fields["pointer"],
        fields["code"],
        fields["message"],
    )


def escape_pointer_token(token: str | int) -> str:
    """Escape one reference token for a JSON Pointer (RFC 6901: ``~`` and ``/``)."""
    return str(token).replace("~", "~0").replace("/", "~1")


def pointer_of(*tokens: str | int) -> str:
    """Build a JSON Pointer from path tokens: ``pointer_of("a", 0) == "/a/0"``."""
    return "".join("/" + escape_pointer_token(t) for t in tokens)


def split_pointer(pointer: str) -> list[str]:
    """Split a JSON Pointer into unescaped reference tokens."""
    if not pointer:
        return []
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/")]

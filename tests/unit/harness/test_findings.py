"""Findings assembled without validation are the findings pydantic builds, slot for slot."""

from __future__ import annotations

import pickle

import pytest
from synharness.codes import finding
from synharness.findings import Finding, Severity, new_finding


def _slots(item: Finding) -> tuple[object, ...]:
    return (
        list(item.__dict__.items()),
        item.__pydantic_fields_set__,
        item.__pydantic_extra__,
        item.__pydantic_private__,
    )


class _Text(str):
    """A subclass of str: validation turns it into a plain one."""


@pytest.mark.parametrize(
    ("severity", "hint", "file"),
    [
        (Severity.ERROR, "fix it", None),
        (Severity.INFO, "", "scenario.yaml"),
        ("warning", "x", None),  # spelled as a string: validated into the enum
        (Severity.WARNING, _Text("sub"), _Text("f.json")),
    ],
)
def test_new_finding_is_what_validation_builds(
    severity: Severity, hint: str, file: str | None
) -> None:
    made = new_finding("SYN-REF-001", severity, "/a/0", "m", hint, file)
    validated = Finding(
        code="SYN-REF-001", severity=severity, pointer="/a/0", message="m", hint=hint, file=file
    )
    assert _slots(made) == _slots(validated)
    assert type(made.hint) is str and type(made.severity) is Severity
    assert made == validated and hash(made) == hash(validated)
    assert made.model_dump_json() == validated.model_dump_json()
    assert pickle.loads(pickle.dumps(made)) == validated


def test_the_factory_fills_the_catalogue_defaults() -> None:
    made = finding("SYN-REF-001", "/a", "m")
    assert made.severity is Severity.ERROR and made.hint and made.file is None
    assert made.__pydantic_fields_set__ == {
        "code",
        "severity",
        "pointer",
        "message",
        "hint",
        "file",
    }


@pytest.mark.parametrize("end", [(), (3, 4)])
def test_located_is_a_validated_copy_with_the_position(end: tuple[int, ...]) -> None:
    item = finding("SYN-REF-001", "/a", "m", file="s.yaml")
    update = dict(zip(("line", "column", "end_line", "end_column"), (1, 2, *end), strict=False))
    placed = item.located(1, 2, *end)
    assert _slots(placed) == _slots(item.model_copy(update=update))
    assert placed == Finding.model_validate(placed.model_dump())
    # The copy has its own set of fields: the original is untouched.
    assert item.line is None and "line" not in item.__pydantic_fields_set__
    # model_copy of a placed finding (the strict profile raises severities so) still works.
    assert placed.model_copy(update={"severity": Severity.WARNING}).line == 1

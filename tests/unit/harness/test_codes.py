"""Every catalogued code is documented, has fixtures, and its fixtures behave.

For each code in :data:`synharness.codes.CATALOGUE`:
- ``docs/findings.md`` has a section headed ``## <CODE> — <title>`` that
  states the catalogued severity, the reason for it (the catalogue's
  ``reason``, word for word) and, for codes of the strict profile, the strict
  severity;
- ``tests/fixtures/codes/<CODE>/`` has a ``fail.*`` and a ``pass.*`` file;
- outside SIM, SCN, RENDER, VISUAL and STORE (tested by the simulation's, the
  renderer's own tests, tests/unit/render/test_render_codes.py, and the store's,
  tests/api/test_store_codes.py) and the codes whose fixtures carry a
  ``render.json`` (audio: tests/render/test_render_codes.py), the pipeline
  reports the code on ``fail`` and not on ``pass``. A fixture folder may hold
  an ``options.json`` with :class:`~synharness.pipeline.ValidationOptions` fields
  (``max_bytes`` for SYN-LOAD-007) and a ``schemas`` folder used as
  ``--schema-dir`` (SYN-SCHEMA-000). Files are read through the pipeline's own
  reader, so an unreadable fixture (SYN-LOAD-009's dangling link) is reported
  as the CLI would. Compile codes (SYN-GLSL-010/011) need a GL context: they
  skip without one (fail under ``CI=true``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from synharness.codes import ALL_CODES, CATALOGUE
from synharness.findings import Finding, Severity
from synharness.loading import Source
from synharness.pipeline import ValidationOptions, check_source

from tests.conftest import CODE_FIXTURES, ROOT, require_gl

DOCS = ROOT / "docs" / "findings.md"
#: Codes whose behaviour is tested by the simulation's tests (SIM, SCN), the
#: score's (SCORE: tests/unit/agents/test_codes_score.py), the renderer's
#: (RENDER, VISUAL: tests/unit/render/test_gl.py), the store's (STORE:
#: tests/api/test_store_codes.py) or the guard's (INTERNAL:
#: tests/unit/harness/test_guard.py, which injects the fault its fail fixture is
#: checked under), not by validating one document.
SIMULATED_AREAS = ("SIM", "SCN", "SCORE", "RENDER", "VISUAL", "STORE", "INTERNAL")
#: Codes only a real GL compiler reports.
COMPILE_CODES = ("SYN-GLSL-010", "SYN-GLSL-011")


def _rendered(code: str) -> bool:
    """Codes of a render whose fixtures carry a render.json (SYN-AUDIO-*, SYN-RENDER-005..009):
    tests/render/test_render_codes.py renders them."""
    return (CODE_FIXTURES / code / "render.json").exists()


_SECTION = re.compile(r"^## (SYN-[A-Z]+-\d{3}) — (.+)$", re.M)


def _sections() -> dict[str, tuple[str, str]]:
    """Code -> (title, body) of every section of docs/findings.md."""
    text = DOCS.read_text(encoding="utf-8")
    heads = list(_SECTION.finditer(text))
    sections: dict[str, tuple[str, str]] = {}
    for head, after in zip(heads, [*heads[1:], None], strict=True):
        body = text[head.end() : after.start() if after else len(text)]
        sections[head[1]] = (head[2].strip(), body)
    return sections


def _fixture(code: str, kind: str) -> Path:
    found = sorted((CODE_FIXTURES / code).glob(f"{kind}.*"))
    assert found, f"no {kind}.* fixture for {code} in {CODE_FIXTURES / code}"
    return found[0]


def _findings_of(path: Path, *, strict: bool = False) -> list[Finding]:
    options_file = path.parent / "options.json"
    fields = json.loads(options_file.read_text(encoding="utf-8")) if options_file.exists() else {}
    if (path.parent / "schemas").is_dir():
        fields["schema_dir"] = path.parent / "schemas"  # as --schema-dir (SYN-SCHEMA-000)
    options = ValidationOptions(**fields, strict=strict)
    return list(check_source(Source(name=str(path), path=path), options=options).result.findings)


def _codes_of(path: Path) -> list[str]:
    return [f.code for f in _findings_of(path)]


def test_catalogue_codes_are_well_formed() -> None:
    for code, info in CATALOGUE.items():
        assert re.fullmatch(r"SYN-[A-Z]+-\d{3}", code), code
        assert info.code == code
        assert info.title and info.hint, code


@pytest.mark.parametrize("code", ALL_CODES)
def test_code_is_documented(code: str) -> None:
    sections = _sections()
    assert code in sections, f"docs/findings.md has no '## {code} — ...' section"
    title, body = sections[code]
    assert title == CATALOGUE[code].title, f"{code}: heading says {title!r}"
    assert f"**Severity:** {CATALOGUE[code].severity.value}" in body, code
    reason = CATALOGUE[code].reason
    assert reason, f"{code} has no reason for its severity in harness/codes.py"
    assert f"**Reason:** {reason}" in body, f"{code}: the section does not state its reason"
    strict = CATALOGUE[code].strict
    if strict is None:
        assert "**Strict:**" not in body, f"{code}: strict severity documented but not catalogued"
    else:
        assert f"**Strict:** {strict.value}" in body, f"{code}: strict severity undocumented"
    assert "```" in body, f"{code}: the section shows no example"


def test_every_code_has_a_severity_and_a_reason() -> None:
    missing = [c for c, info in CATALOGUE.items() if not info.reason.strip()]
    assert missing == [], f"codes without a reason for their severity: {missing}"
    for code, info in CATALOGUE.items():
        assert info.severity in (Severity.ERROR, Severity.WARNING, Severity.INFO), code
        # The strict profile only ever raises a severity.
        assert info.strict is None or info.strict.rank > info.severity.rank, code


def test_strict_profile_raises_exactly_its_codes() -> None:
    raised = {code for code, info in CATALOGUE.items() if info.strict is not None}
    for code in ALL_CODES:
        if code.split("-")[1] in SIMULATED_AREAS:
            continue
        path = _fixture(code, "fail")
        default = _findings_of(path, strict=False)
        strict = _findings_of(path, strict=True)
        assert [f.code for f in default] == [f.code for f in strict], code
        for before, after in zip(default, strict, strict=True):
            expected = CATALOGUE[before.code].strict if before.code in raised else None
            assert after.severity is (expected or before.severity), (code, before.code)


def test_docs_document_no_unknown_code() -> None:
    assert set(_sections()) <= set(CATALOGUE)


@pytest.mark.parametrize("code", ALL_CODES)
def test_code_has_fixtures(code: str) -> None:
    assert _fixture(code, "fail").name.startswith("fail.")
    assert _fixture(code, "pass").name.startswith("pass.")


@pytest.mark.parametrize(
    "code", [c for c in ALL_CODES if c.split("-")[1] not in SIMULATED_AREAS and not _rendered(c)]
)
def test_fail_fixture_has_code_and_pass_fixture_has_not(code: str) -> None:
    if code in COMPILE_CODES:
        require_gl()
    failing = _codes_of(_fixture(code, "fail"))
    passing = _codes_of(_fixture(code, "pass"))
    assert code in failing, f"{code} missing from its fail fixture: {failing}"
    assert code not in passing, f"{code} present in its pass fixture: {passing}"

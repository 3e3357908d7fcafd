"""The catalogue of finding codes: one table, the single source of truth.

Every finding the harness emits uses a code from :data:`CATALOGUE`. A code is
``SYN-<AREA>-<NNN>``; once shipped it is never reworded or reused. Each entry
carries the default severity, a one-line title and the default hint.
``docs/findings.md`` documents every code with an example, and
``tests/unit/harness/test_codes.py`` checks that every code has a failing and a
passing fixture and a section in the docs.

Areas:
- ``LOAD``   reading and parsing a file (encoding, JSON syntax, limits);
- ``ENV``    the ``$schema`` envelope (version and document kind);
- ``SCHEMA`` JSON Schema validation (one code per schema keyword);
- ``REF``    references between parameters (targets, namespaces);
- ``RANGE``  declared ranges, defaults and steps;
- ``DUP``    duplicate ids, names and bindings;
- ``MOD``    modulation reach, depth and frequency;
- ``GLSL``   shader sources against their uniform list;
- ``TONE``   Tone.js synth, effects and options;
- ``HAPTIC`` haptic device limits;
- ``RULE``   rule bundles: triggers, effects, cycles;
- ``GRAPH``  the parameter graph as a whole;
- ``NUM``    numbers no float64 (or the simulation's arithmetic) holds;
- ``INTERNAL`` an unexpected exception, turned into a finding by the last-resort guard;
- ``SIM``    what a simulation run observes;
- ``SCN``    scenarios and their expectations.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict
from synharness.findings import Finding, Severity

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


class CodeInfo(BaseModel):
    """One row of the catalogue."""

    model_config = ConfigDict(frozen=True)

    code: str
    severity: Severity
    title: str
    hint: str


def _rows(*rows: tuple[str, Severity, str, str]) -> dict[str, CodeInfo]:
    return {c: CodeInfo(code=c, severity=s, title=t, hint=h) for c, s, t, h in rows}


CATALOGUE: dict[str, CodeInfo] = _rows(
    # --- LOAD: reading and parsing -------------------------------------------------
    ("SYN-LOAD-001", E, "Malformed JSON", "Fix the JSON syntax at the line and column given."),
    ("SYN-LOAD-002", E, "Empty file", "Write a JSON object into the file, or remove it."),
    ("SYN-LOAD-003", E, "Not UTF-8", "Save the file as UTF-8 (JSON text must be UTF-8)."),
    (
        "SYN-LOAD-004",
        E,
        "NaN or Infinity literal",
        "JSON has no NaN or Infinity: use a finite number or null.",
    ),
    (
        "SYN-LOAD-005",
        E,
        "Duplicate object key",
        "Keep one of the keys: JSON readers silently keep only the last.",
    ),
    (
        "SYN-LOAD-006",
        E,
        "Nesting too deep",
        "Flatten the document: nesting deeper than 64 levels is refused.",
    ),
    ("SYN-LOAD-007", E, "File too large", "Split the file or raise the limit with --max-bytes."),
    (
        "SYN-LOAD-008",
        E,
        "Top level is not an object",
        "A document is one JSON object; for many assets use one file each or JSON Lines with `synharness score`.",
    ),
    ("SYN-LOAD-009", E, "Unreadable path", "Check that the path exists and that you may read it."),
    # --- ENV: the $schema envelope ---------------------------------------------------
    (
        "SYN-ENV-001",
        W,
        "Missing $schema",
        'Add "$schema": "https://delk73.github.io/synesthetic-schemas/schema/0.7.3/synesthetic-asset.schema.json" (or the schema of the document kind).',
    ),
    (
        "SYN-ENV-002",
        W,
        "Legacy $schemaRef",
        'Rename "$schemaRef" to "$schema"; the value stays the same.',
    ),
    (
        "SYN-ENV-003",
        E,
        "Unknown schema version",
        "Use a supported schema version, or pass --schema-dir with the schemas of that version.",
    ),
    (
        "SYN-ENV-004",
        E,
        "Unknown document kind",
        "Name one of the schema files: synesthetic-asset, shader, tone, haptic, control-bundle, control, modulation, rule-bundle, rule.",
    ),
    (
        "SYN-ENV-005",
        INFO,
        "$schema names no version",
        "Use the versioned URL of the schema so that the version is explicit; the default version was assumed.",
    ),
    (
        "SYN-ENV-006",
        E,
        "$schema is not a string",
        "Set $schema to the URL (or relative path) of the schema.",
    ),
    # --- SCHEMA: one code per JSON Schema keyword -----------------------------------
    ("SYN-SCHEMA-000", E, "Schema violation", "Make the value conform to the schema."),
    ("SYN-SCHEMA-001", E, "Missing required property", "Add the property named in the message."),
    (
        "SYN-SCHEMA-002",
        E,
        "Property not allowed",
        "Remove the property or fix its spelling; the schema allows no other properties here.",
    ),
    ("SYN-SCHEMA-003", E, "Wrong type", "Use a value of the type named in the message."),
    (
        "SYN-SCHEMA-004",
        E,
        "Value not in enumeration",
        "Use one of the values listed in the message.",
    ),
    ("SYN-SCHEMA-005", E, "String too short", "Use a non-empty string."),
    (
        "SYN-SCHEMA-006",
        E,
        "Invalid format",
        "Use the format named in the message (for date-time: RFC 3339, e.g. 2025-01-31T12:00:00Z).",
    ),
    (
        "SYN-SCHEMA-007",
        E,
        "No alternative matches",
        "Make the value match one of the allowed shapes (see the schema's anyOf).",
    ),
    # --- REF: references between parameters ------------------------------------------
    (
        "SYN-REF-001",
        E,
        "Target names nothing declared",
        "Point the target at a declared parameter (see the suggestion), or declare the parameter in its component.",
    ),
    (
        "SYN-REF-002",
        W,
        "Sound or haptic op targets no instrument",
        "Target the instrument (tone.synth for the tone, haptic for the haptic device).",
    ),
    (
        "SYN-REF-003",
        W,
        "Legacy namespace",
        "Write shader. for visual. and tone. for audio.: the legacy prefixes only resolve by translation.",
    ),
    (
        "SYN-REF-004",
        W,
        "Bare parameter name",
        "Prefix the name with its component (shader., tone. or haptic.).",
    ),
    (
        "SYN-REF-005",
        INFO,
        "Declared path without component prefix",
        "Write the declared path with its component prefix (tone.volume, not volume).",
    ),
    # --- RANGE: ranges, defaults, steps ---------------------------------------------
    (
        "SYN-RANGE-001",
        E,
        "Default outside [min, max]",
        "Move the default inside the range or widen the range.",
    ),
    ("SYN-RANGE-002", E, "min >= max", "Make min smaller than max."),
    ("SYN-RANGE-003", E, "Invalid step", "Use a step > 0 and no larger than max - min."),
    (
        "SYN-RANGE-004",
        W,
        "Control disagrees with the parameter it drives",
        "Give the control the range and default of the parameter it drives.",
    ),
    # --- DUP: duplicates ----------------------------------------------------------------
    ("SYN-DUP-001", E, "Duplicate modulation id", "Give every modulation a unique id."),
    ("SYN-DUP-002", E, "Duplicate rule id", "Give every rule a unique id."),
    ("SYN-DUP-003", E, "Duplicate uniform name", "List each uniform once."),
    (
        "SYN-DUP-004",
        W,
        "Two controls bind the same parameter to the same input",
        "Change the combo or axis of one of the controls; both fire on the same gesture.",
    ),
    (
        "SYN-DUP-005",
        W,
        "Duplicate input parameter path",
        "Give every input parameter its own path; references reach only the first declaration.",
    ),
    # --- MOD: modulations ----------------------------------------------------------------
    (
        "SYN-MOD-001",
        W,
        "Modulation reach partly outside the range",
        "Reduce amplitude or scale, or move the offset, so that offset ± amplitude·scale fits the range.",
    ),
    (
        "SYN-MOD-002",
        E,
        "Modulation reach wholly outside the range",
        "The modulation can never produce a value in range: fix offset, amplitude or the range.",
    ),
    (
        "SYN-MOD-003",
        W,
        "Modulation depth below the target's step",
        "Increase amplitude·scale above the target's step, or the modulation is invisible and inaudible.",
    ),
    (
        "SYN-MOD-004",
        E,
        "Modulation frequency out of range",
        "Use a frequency above 0 and at most 1000 Hz.",
    ),
    # --- GLSL: shader sources -----------------------------------------------------------
    (
        "SYN-GLSL-001",
        W,
        "Uniform declared in GLSL but not listed",
        "Add the uniform to the shader's uniforms with a type and default.",
    ),
    (
        "SYN-GLSL-002",
        W,
        "Uniform listed but not declared in GLSL",
        "Declare the uniform in the vertex or fragment source, or remove it from the list.",
    ),
    (
        "SYN-GLSL-003",
        E,
        "Uniform type mismatch",
        "Make the listed type match the GLSL declaration.",
    ),
    (
        "SYN-GLSL-004",
        E,
        "Uniform default has the wrong shape",
        "Give a default of the uniform's shape (a number for float/int, a list of N numbers for vecN).",
    ),
    (
        "SYN-GLSL-005",
        W,
        "Hex colour string as vec3 default",
        "Write the colour as three numbers in [0, 1], e.g. [0.1, 0.1, 0.1].",
    ),
    (
        "SYN-GLSL-006",
        E,
        "Undeclared attribute",
        "Declare the attribute, or use one of the three.js built-ins.",
    ),
    (
        "SYN-GLSL-007",
        W,
        "Shader input parameter names no uniform",
        "Name a listed uniform in the input parameter, or add the uniform.",
    ),
    # --- TONE ------------------------------------------------------------------------------
    (
        "SYN-TONE-001",
        E,
        "Unknown synth type",
        "Use one of the Tone.js synth classes listed in the message.",
    ),
    (
        "SYN-TONE-002",
        E,
        "Unknown effect type",
        "Use a Tone.js effect class (see docs/findings.md for the list).",
    ),
    (
        "SYN-TONE-003",
        E,
        "Option value Tone.js would reject",
        "Use a value Tone.js accepts (times >= 0, wet in [0, 1]).",
    ),
    # --- HAPTIC ----------------------------------------------------------------------------
    (
        "SYN-HAPTIC-001",
        E,
        "Range beyond the device's limits",
        "Keep the parameter's range within the device's maxFrequency / maxIntensity.",
    ),
    # --- RULE ------------------------------------------------------------------------------
    ("SYN-RULE-001", E, "Unknown trigger type", "Use a known trigger type (see docs/findings.md)."),
    (
        "SYN-RULE-002",
        E,
        "Missing trigger params",
        "Give the trigger the params its type needs (grid_cell: gridSize, cooldown).",
    ),
    (
        "SYN-RULE-003",
        W,
        "Unknown effect op",
        "Use a known op (see docs/findings.md); the runtime ignores unknown ops.",
    ),
    (
        "SYN-RULE-004",
        E,
        "Rule feeds its own trigger",
        "Break the cycle: a rule's effect must not drive the value its trigger reads.",
    ),
    ("SYN-RULE-005", E, "Effect without op or target", "Give every effect an op and a target."),
    # --- GRAPH -----------------------------------------------------------------------------
    (
        "SYN-GRAPH-001",
        INFO,
        "Parameter neither driven nor read",
        "Drive the parameter with a control, modulation or rule, or remove it.",
    ),
    # --- NUM: numbers beyond what float64 arithmetic holds --------------------------
    (
        "SYN-NUM-001",
        E,
        "Number beyond float64 range",
        "Write a finite number within ±1.8e308; the store and the simulation compute in float64.",
    ),
    (
        "SYN-NUM-002",
        E,
        "Number too large for the simulation",
        "Keep the numbers the simulation computes with within ±1e150 (ranges, steps, smoothing times, scales).",
    ),
    # --- INTERNAL: the last-resort guard around each document ------------------------
    (
        "SYN-INTERNAL-001",
        E,
        "Internal error",
        "This is a bug in synharness, not in the document: please report it with the file attached.",
    ),
    # --- SIM / SCN: simulation and scenarios (filled by the simulation) ---------------
    (
        "SYN-SIM-001",
        E,
        "NaN or infinity in a trace",
        "Bound the modulation's offset, amplitude and scale (and the parameter's range) so that every value stays a finite number.",
    ),
    (
        "SYN-SIM-002",
        W,
        "Heavy clamping at rest",
        "Fit offset ± amplitude·scale inside the modulation's min/max and the parameter's range: clamped steps flatten the waveform.",
    ),
    (
        "SYN-SCN-001",
        E,
        "Scenario expectation failed",
        "Fix the asset, or the expectation if the asset is right (see the observed value in the message).",
    ),
    (
        "SYN-SCN-002",
        E,
        "Invalid scenario file",
        "Fix the scenario at the line and column given (see docs/semantics.md for the format).",
    ),
    (
        "SYN-SCN-003",
        E,
        "Scenario names no asset that exists",
        "Point `assets` at existing files; paths and globs are relative to the scenario file.",
    ),
)

#: Every known code, sorted.
ALL_CODES: tuple[str, ...] = tuple(sorted(CATALOGUE))

#: Where docs/findings.md is published: the base of every code's help URI.
DOCS_URL = "https://github.com/synharness/synharness/blob/main/docs/findings.md"
_NOT_SLUG = re.compile(r"[^\w\- ]")


def heading_anchor(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading: lower case, punctuation dropped, ``-`` for spaces.

    ``SYN-RANGE-001 — Default outside [min, max]`` -> ``syn-range-001--default-outside-min-max``.
    """
    return _NOT_SLUG.sub("", heading.strip().lower()).replace(" ", "-")


def help_uri(code: str) -> str:
    """The documentation of ``code``: its ``## CODE — Title`` section of docs/findings.md.

    The anchor follows from the code and its catalogue title (which, like the
    code, is never reworded); an uncatalogued code gets the page itself.
    """
    info = CATALOGUE.get(code)
    if info is None:
        return DOCS_URL
    return f"{DOCS_URL}#{heading_anchor(f'{code} — {info.title}')}"


def finding(
    code: str,
    pointer: str,
    message: str,
    *,
    hint: str | None = None,
    severity: Severity | None = None,
    file: str | None = None,
) -> Finding:
    """Build a finding for a catalogued code, with its default severity and hint.

    Args:
        code: A code from :data:`CATALOGUE`.
        pointer: RFC 6901 JSON Pointer into the document.
        message: What is wrong, with the values involved.
        hint: Overrides the catalogue's hint (for "did you mean" suggestions).
        severity: Overrides the catalogue's severity (rarely: keep codes honest).
        file: The document the pointer refers to, when not the asset itself.

    Raises:
        KeyError: ``code`` is not catalogued (a bug, caught by the tests).
    """
    info = CATALOGUE[code]
    return Finding(
        code=code,
        severity=severity or info.severity,
        pointer=pointer,
        message=message,
        hint=info.hint if hint is None else hint,
        file=file,
    )

"""The catalogue of finding codes: one table, the single source of truth.

Every finding the harness emits uses a code from :data:`CATALOGUE`. A code is
``SYN-<AREA>-<NNN>``; once shipped it is never reworded or reused. Each entry
carries the default severity, a one-line title, the default hint, the reason
for its severity (against the rule in ``docs/findings.md``) and, for the style
infos, the severity of the strict profile (:func:`strict_findings`).
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
- ``CTRL``   controls as a whole (several controls on one parameter);
- ``TYPE``   values (options, defaults) against declared parameter types;
- ``GRAPH``  the parameter graph as a whole;
- ``NUM``    numbers no float64 (or the simulation's arithmetic) holds;
- ``INTERNAL`` an unexpected exception, turned into a finding by the last-resort guard;
- ``SIM``    what a simulation run observes;
- ``SCN``    scenarios and their expectations;
- ``RENDER`` rendering the asset as the runtime would (the GL runtime: 001..004; the
  Tone.js renderer: 005..009);
- ``AUDIO``  what the rendered tone sounds like (levels, loudness);
- ``VISUAL`` what the rendered frames of a scenario show;
- ``ENRICH`` the enrichment keys of the 0.7.4 draft the generator loop writes;
- ``SCORE``  what only the score looks at (substance, strobing, batch duplicates);
- ``STORE``  what the companion store does to a document it is sent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict
from synharness.findings import Finding, Severity, new_finding

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


class CodeInfo(BaseModel):
    """One row of the catalogue."""

    model_config = ConfigDict(frozen=True)

    code: str
    #: The default severity, by the rule of docs/findings.md ("Severities").
    severity: Severity
    title: str
    hint: str
    #: Why the code has its severity, against that rule (one sentence).
    reason: str = ""
    #: The severity under the strict profile (``--strict``), when it differs.
    strict: Severity | None = None


def _rows(*rows: tuple[str, Severity, str, str]) -> dict[str, CodeInfo]:
    # Reasons and strict severities live in their own tables (below), so that
    # rows added in parallel by other areas merge without touching these.
    return {
        c: CodeInfo(
            code=c, severity=s, title=t, hint=h, reason=_REASONS.get(c, ""), strict=_STRICT.get(c)
        )
        for c, s, t, h in rows
    }


#: Why each code has its severity, against the rule of docs/findings.md:
#: *error* -- the asset cannot work, or breaks the schema; *warning* -- it works,
#: but almost surely not as its author meant; *info* -- style, legacy spellings
#: every host resolves, host-dependent details. The catalogue test requires one.
_REASONS: dict[str, str] = {
    "SYN-LOAD-001": "The bytes do not parse: there is no document to run.",
    "SYN-LOAD-002": "An empty file holds no document to run.",
    "SYN-LOAD-003": "JSON text must be UTF-8; readers refuse or mangle other encodings.",
    "SYN-LOAD-004": "No JSON reader in a browser accepts NaN or Infinity: the asset does not load.",
    "SYN-LOAD-005": "Readers disagree on which duplicate wins, so the asset that runs is not the one written.",
    "SYN-LOAD-006": "The document is refused before it is walked: nothing of it runs here.",
    "SYN-LOAD-007": "The document is refused before it is read: nothing of it runs here.",
    "SYN-LOAD-008": "A document must be one JSON object; anything else is no asset.",
    "SYN-LOAD-009": "The file cannot be read, so nothing can be checked or run.",
    "SYN-ENV-001": "The kind is inferred from the keys and validation is complete; the published corpus and generators often omit it (legacy, style).",
    "SYN-ENV-002": "The older key carries the same URL and every check still runs; only its spelling is legacy.",
    "SYN-ENV-003": "No schema of that version is known, so the document cannot be validated.",
    "SYN-ENV-004": "No schema of that kind exists, so the document cannot be validated.",
    "SYN-ENV-005": "The default version is assumed and every check runs; the published examples write it so (style).",
    "SYN-ENV-006": "The envelope cannot be read, so neither kind nor version is known.",
    "SYN-ENV-007": "Every check still runs against the shipped schemas, but the document claims a schema nobody publishes there: a copy that may differ, or a typo.",
    "SYN-SCHEMA-008": "The document breaks its schema: a property under a name the schema does not have, so its value is not read.",
    "SYN-SCHEMA-009": "The document breaks its schema: the asset is one level down, so nothing of it is read.",
    "SYN-ENRICH-001": "The document is validated as completely as a 0.7.3 asset; naming the draft is information, not a defect.",
    "SYN-ENRICH-002": "The loop indexes the asset by a list of parameters that does not match the asset: lookups by it fail.",
    "SYN-ENRICH-003": "An enrichment key of the wrong type breaks the loop's own reading of the draft.",
    "SYN-SCORE-001": "Nothing can be seen, heard or felt to change: the asset does nothing, whatever else is right.",
    "SYN-SCORE-002": "The asset runs but never changes: it works, yet almost surely not as meant.",
    "SYN-SCORE-003": "Flashing faster than three times a second can trigger seizures (WCAG 2.3.1, level A): the asset is unsafe to show.",
    "SYN-SCORE-004": "The asset works, but repeats an earlier one of the batch: no new behaviour for the loop to learn from.",
    "SYN-SCORE-005": "The score is complete without rendering; the renderers would only add evidence.",
    "SYN-SCHEMA-000": "The document breaks its schema.",
    "SYN-SCHEMA-001": "The document breaks its schema: a required property is missing.",
    "SYN-SCHEMA-002": "The document breaks its schema (additionalProperties: false).",
    "SYN-SCHEMA-003": "The document breaks its schema: a value has the wrong type.",
    "SYN-SCHEMA-004": "The document breaks its schema: a value outside its enumeration.",
    "SYN-SCHEMA-005": "The document breaks its schema: an empty string where one is required.",
    "SYN-SCHEMA-006": "The document breaks its schema: a string of the wrong format.",
    "SYN-SCHEMA-007": "The document breaks its schema: no allowed shape matches.",
    "SYN-REF-001": "The control, modulation or effect drives a parameter that does not exist: it cannot work.",
    "SYN-REF-002": "The sound or haptic op plays nothing: almost surely a wrong target, though the rest of the asset runs.",
    "SYN-REF-003": "A legacy visual./audio. name works only where the host translates it; where it does not, the reference silently drives nothing.",
    "SYN-REF-004": "The corpus writes shader paths without a prefix and the name resolves to exactly one parameter: style only.",
    "SYN-REF-005": "References still find the parameter under its canonical path: style only.",
    "SYN-RANGE-001": "The declared default is impossible for its own range: the declaration contradicts itself.",
    "SYN-RANGE-002": "An empty or inverted range admits no value: the declaration cannot work.",
    "SYN-RANGE-003": "A step of 0 or less never moves the value, and one over the span jumps past it: the control cannot work.",
    "SYN-RANGE-004": "Part of the control's travel is clamped by the target's range and does nothing: it works, but not as written.",
    "SYN-DUP-001": "Runtimes key modulations by id, so one of the two is lost.",
    "SYN-DUP-002": "Runtimes key rules by id, so one of the two is lost.",
    "SYN-DUP-003": "Which declaration the runtime uses is undefined: the uniform's type or default may be the other one.",
    "SYN-DUP-004": "Both controls fire on one gesture and the parameter moves twice: works, almost surely not meant.",
    "SYN-DUP-005": "References reach only the first declaration; the second is unreachable: works, almost surely a slip.",
    "SYN-DUP-006": "Two parameters of one component show the same name, and hosts that key parameters by name keep one: almost surely a copy-paste slip.",
    "SYN-MOD-001": "The runtime clamps part of the sweep, so the wave is flattened: works, almost surely not meant.",
    "SYN-MOD-002": "Every value the modulation produces is clamped to a constant: it cannot work as a modulation.",
    "SYN-MOD-003": "The modulation runs, but its peak-to-peak is under 1/1000 of the target's range (or under float32 resolution): imperceptible, yet harmless; a step quantises controls, not modulations.",
    "SYN-MOD-004": "A frequency of 0 never oscillates and one above 1000 Hz aliases at control rate: the modulation cannot work.",
    "SYN-GLSL-001": "The runtime never sets the uniform, so it stays 0: works, almost surely not meant.",
    "SYN-GLSL-002": "Setting a uniform the program does not declare is a no-op in three.js, and the backend requires its reserved uniforms (u_backgroundColor, u_gridSize, u_gridColor) listed: host convention.",
    "SYN-GLSL-003": "three.js uploads the listed type to a uniform of another type: the GL call fails.",
    "SYN-GLSL-004": "A default of the wrong shape cannot be uploaded to the uniform.",
    "SYN-GLSL-005": "The corpus writes vec3 colours as hex strings and three.js-side code converts them to a Color: host-dependent convention.",
    "SYN-GLSL-006": "The vertex shader does not compile.",
    "SYN-GLSL-007": "Moving the parameter changes nothing on screen: works, almost surely a wrong name.",
    "SYN-GLSL-010": "The GL compiler rejects the stage: three.js shows nothing and logs the error.",
    "SYN-GLSL-011": "The program does not link: three.js shows nothing and logs the error.",
    "SYN-TONE-001": "Tone.js has no such synth class: the tone cannot be built.",
    "SYN-TONE-002": "Tone.js has no such effect class: the effect chain cannot be built.",
    "SYN-TONE-003": "Tone.js asserts against the value and throws: the tone cannot be built.",
    "SYN-TONE-004": "Tone.js ignores an option its class does not have: the tone works, not as written.",
    "SYN-RENDER-005": "The host lacks Node.js, not the asset anything: the tone was not heard (host-dependent).",
    "SYN-RENDER-006": "The host lacks the renderer's packages, not the asset anything: the tone was not heard (host-dependent).",
    "SYN-RENDER-007": "A slow or loaded host can miss the time-out with a sound asset: the tone was not heard (host-dependent).",
    "SYN-RENDER-008": "Tone.js throws while building or playing the tone: the runtime plays nothing.",
    "SYN-RENDER-009": "The renderer died on this tone: it may not play in the runtime either, and was not heard.",
    "SYN-AUDIO-001": "A tone that makes no sound cannot do its job.",
    "SYN-AUDIO-002": "The tone plays, distorted by clipping: works, not as its author meant.",
    "SYN-AUDIO-003": "The tone plays, far quieter or louder than any playback target: works, almost surely not as meant.",
    "SYN-AUDIO-004": "The tone plays with wasted headroom and thumps at its edges: works, not as meant.",
    "SYN-AUDIO-005": "NaN or infinite samples break the output from there on: the tone cannot work.",
    "SYN-HAPTIC-001": "The device clamps requests above its limit, so the top of the range does nothing: works, not as written.",
    "SYN-RULE-001": "A rule with an unknown trigger type can never fire.",
    "SYN-RULE-002": "A trigger without the params its type needs can never fire.",
    "SYN-RULE-003": "The rule vocabulary is open and a host may know the op; one that does not ignores the effect: almost surely a typo.",
    "SYN-RULE-004": "Once the trigger fires it keeps itself firing: the rule cannot settle.",
    "SYN-RULE-005": "The runtime cannot tell what to do or to what: the effect cannot work.",
    "SYN-RULE-006": "The rule fires and does nothing: works, almost surely unfinished.",
    "SYN-GRAPH-001": "A parameter nothing drives or reads costs nothing at runtime: worth knowing, not wrong.",
    "SYN-CTRL-001": "Each control keeps its own value, so moving one makes the parameter jump from where the other left it: works, almost surely meant as one control with two mappings.",
    "SYN-CTRL-002": "The control moves a value the program never reads: works, almost surely a missing declaration (a listed-only uniform is a note, SYN-GLSL-002; driving one is the defect).",
    "SYN-TYPE-001": "Choosing that option gives the parameter a value of another type than declared: works for the other options, almost surely a slip.",
    "SYN-TYPE-002": "The parameter starts from a value of another type than declared: works in lenient hosts, almost surely a slip.",
    "SYN-NUM-001": "The value cannot be stored or computed with: it would be stored as null (changed) or become infinity in the simulation.",
    "SYN-NUM-002": "The simulation's arithmetic on the value overflows (an infinite range, a filter that never settles): it would crash or mislead the run.",
    "SYN-INTERNAL-001": "The document could not be checked at all: a result without its checks must not pass.",
    "SYN-SIM-001": "A NaN or infinite value reaches the renderer or the audio graph: the asset breaks while running.",
    "SYN-SIM-002": "Clamped steps flatten the waveform the author wrote: works, almost surely not meant.",
    "SYN-SCN-001": "The asset does not do what its scenario requires.",
    "SYN-SCN-002": "The scenario cannot be read, so it cannot run.",
    "SYN-SCN-003": "The scenario names no asset, so it cannot run.",
    "SYN-RENDER-001": "Nothing is wrong with the asset: the machine cannot compile or render, so those checks did not run.",
    "SYN-RENDER-002": "The frame could not be drawn or read: what the user would see is unknown.",
    "SYN-VISUAL-001": "A flat fill is a valid picture, but almost surely not the one meant.",
    "SYN-VISUAL-002": "The picture renders, but what the scenario drives never reaches it: works, almost surely not as meant.",
    "SYN-VISUAL-003": "NaN and infinite colours are undefined on the GPU: browsers show black or garbage, differently per device.",
    "SYN-VISUAL-004": "Flashing above the WCAG 2.x thresholds can trigger seizures (success criterion 2.3.1, level A).",
    "SYN-VISUAL-005": "Red flashing above the WCAG 2.x thresholds can trigger seizures (success criterion 2.3.1, level A).",
    "SYN-SCN-004": "The scenario was not run, so nothing it should check was checked.",
    "SYN-STORE-001": "A null member means absent to the clients that write it; the stored asset works the same without it (a transport detail).",
    "SYN-STORE-002": "Stored as sent, the partial body would replace the asset and drop every member it lacks: the asset would no longer work.",
}

#: The strict profile (``--strict``, config key ``strict``): the infos the
#: calibration of issue 17 moved down from warnings, and the style infos, are
#: warnings again for teams that want them, so nothing is lost.
_STRICT: dict[str, Severity] = {
    code: W
    for code in (
        "SYN-ENV-001",
        "SYN-ENV-002",
        "SYN-ENV-005",
        "SYN-REF-004",
        "SYN-REF-005",
        "SYN-MOD-003",
        "SYN-GLSL-002",
        "SYN-GLSL-005",
    )
}

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
        INFO,
        "Missing $schema",
        'Add "$schema": "https://delk73.github.io/synesthetic-schemas/schema/0.7.3/synesthetic-asset.schema.json" (or the schema of the document kind).',
    ),
    (
        "SYN-ENV-002",
        INFO,
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
    (
        "SYN-ENV-007",
        W,
        "Non-canonical schema host",
        "Point $schema at https://delk73.github.io/synesthetic-schemas/schema/<version>/<kind>.schema.json; the schema was read from the version and kind only.",
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
    (
        "SYN-SCHEMA-008",
        E,
        "Property misnamed",
        "Rename the property as the message says; the value can stay.",
    ),
    (
        "SYN-SCHEMA-009",
        E,
        "Asset wrapped in another object",
        "Write the asset itself as the top-level object, not inside a wrapper key.",
    ),
    # --- ENRICH: the 0.7.4 enriched draft -------------------------------------------
    (
        "SYN-ENRICH-001",
        INFO,
        "Enriched draft validated as its base version",
        "Nothing to fix: the draft's enrichment keys are checked on their own, the rest as 0.7.3.",
    ),
    (
        "SYN-ENRICH-002",
        E,
        "parameter_index disagrees with the declared parameters",
        "List in parameter_index exactly the parameters the components declare (their paths).",
    ),
    (
        "SYN-ENRICH-003",
        E,
        "Enrichment key of the wrong type",
        "asset_id: non-empty string; prompt: string; timestamp: RFC 3339 date-time; seed: integer or null; parameter_index: array of strings; provenance: object.",
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
        INFO,
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
        "Keep the control within the range of the parameter it drives, or widen that range.",
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
    (
        "SYN-DUP-006",
        W,
        "Duplicate input parameter name",
        "Give every input parameter of a component its own name.",
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
        INFO,
        "Modulation depth below the target's step",
        "Increase amplitude·scale so that the sweep is a visible or audible part of the target's range, or remove the modulation.",
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
        INFO,
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
        INFO,
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
    (
        "SYN-GLSL-010",
        E,
        "GLSL compile error",
        "Fix the GLSL at this position; the message is the GL compiler's own.",
    ),
    (
        "SYN-GLSL-011",
        E,
        "GLSL link error",
        "Make the two stages agree (varyings, uniforms) and give each a `void main()`.",
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
    (
        "SYN-TONE-004",
        W,
        "Option the Tone.js class does not have",
        "Use an option of the class (see the message's suggestion); Tone.js ignores unknown ones.",
    ),
    # --- RENDER (audio: 005..009) ---------------------------------------------------------
    (
        "SYN-RENDER-005",
        INFO,
        "Node.js not found: the tone was not heard",
        "Install Node.js >= 20 (or set SYNHARNESS_NODE), then run `python -m synharness.render.tone install`.",
    ),
    (
        "SYN-RENDER-006",
        INFO,
        "Tone.js renderer not installed: the tone was not heard",
        "Run `python -m synharness.render.tone install` (or `make`) to install the pinned Node packages.",
    ),
    (
        "SYN-RENDER-007",
        INFO,
        "Tone render timed out",
        "Shorten the scenario, lighten the effects chain, or raise the time-out (`--audio-timeout`).",
    ),
    (
        "SYN-RENDER-008",
        E,
        "Tone.js refused the tone",
        "Fix the synth or effect the message names: the runtime would throw the same error.",
    ),
    (
        "SYN-RENDER-009",
        W,
        "Tone renderer crashed",
        "Render the asset alone to reproduce; the next asset gets a fresh worker.",
    ),
    # --- AUDIO: what a render sounds like ----------------------------------------------------
    (
        "SYN-AUDIO-001",
        E,
        "Silent tone",
        "Raise the volume or gain (a Gain of 0, a volume far below 0 dB or a muted chain is silent).",
    ),
    (
        "SYN-AUDIO-002",
        W,
        "Clipping tone",
        "Lower the volume until the sample peak is below 0 dBFS and the true peak at most -1 dBTP.",
    ),
    (
        "SYN-AUDIO-003",
        W,
        "Loudness outside the stated range",
        "Adjust the volume towards -23 to -14 LUFS (see docs/audio.md for the range and its sources).",
    ),
    (
        "SYN-AUDIO-004",
        W,
        "DC offset",
        "Remove the constant component (a biased oscillator, an unbalanced waveshaper); a high-pass filter helps.",
    ),
    (
        "SYN-AUDIO-005",
        E,
        "Non-finite samples",
        "Find the option or automation that drives a node to NaN or infinity (a zero or negative time, a division).",
    ),
    # --- HAPTIC ----------------------------------------------------------------------------
    (
        "SYN-HAPTIC-001",
        W,
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
    (
        "SYN-RULE-006",
        W,
        "Rule without effects",
        "Give the rule at least one effect, or remove it.",
    ),
    # --- CTRL: controls as a whole ---------------------------------------------------
    (
        "SYN-CTRL-001",
        W,
        "Two controls drive one parameter with separate state",
        "Merge the controls into one with both mappings, so that the gestures share one value.",
    ),
    (
        "SYN-CTRL-002",
        W,
        "Control drives a uniform the GLSL never declares",
        "Declare the uniform in the vertex or fragment source (and use it), or point the control elsewhere.",
    ),
    # --- TYPE: values against declared types -------------------------------------------
    (
        "SYN-TYPE-001",
        W,
        "Option value contradicts the declared type",
        "Write every option as a value of the parameter's type, or fix the type.",
    ),
    (
        "SYN-TYPE-002",
        W,
        "Default contradicts the declared type",
        "Write the default as a value of the parameter's type, or fix the type.",
    ),
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
    # --- RENDER / VISUAL: the shader rendered under a scenario (synharness.render) -----
    (
        "SYN-RENDER-001",
        INFO,
        "No GL context",
        "Install the 'render' extra and Mesa's EGL (libegl-mesa0, libgl1-mesa-dri) to compile and render shaders.",
    ),
    (
        "SYN-RENDER-002",
        E,
        "Rendering failed",
        "The GL driver refused a frame: see the message; simplify the shader (loops, texture sizes).",
    ),
    (
        "SYN-VISUAL-001",
        W,
        "Draws nothing",
        "Every frame is one colour: check that gl_FragColor depends on vUv, gl_FragCoord or a uniform.",
    ),
    (
        "SYN-VISUAL-002",
        W,
        "Frozen while its uniforms change",
        "The uniforms the scenario drives do not reach the output: use them in the colour computation.",
    ),
    (
        "SYN-VISUAL-003",
        E,
        "Non-finite colour",
        "Guard divisions, sqrt, log and pow against zero and negative arguments.",
    ),
    (
        "SYN-VISUAL-004",
        E,
        "General flashes above the WCAG 2.x threshold",
        "Keep large bright/dark changes to at most three per second, or confine them to a small area.",
    ),
    (
        "SYN-VISUAL-005",
        E,
        "Red flashes above the WCAG 2.x threshold",
        "Avoid alternating to and from saturated red more than three times a second over a large area.",
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
    # --- SCORE: what only the score looks at -------------------------------------------
    (
        "SYN-SCORE-001",
        E,
        "Asset without substance",
        "Declare at least one numeric parameter with a range in a shader, tone or haptic component.",
    ),
    (
        "SYN-SCORE-002",
        W,
        "Nothing is driven",
        "Drive a declared parameter with a control, a modulation or a rule effect.",
    ),
    (
        "SYN-SCORE-003",
        E,
        "Strobing: faster than three flashes per second",
        "Keep swings of brightness and loudness over half their range at or below 3 Hz (WCAG 2.3.1), or make them shallower.",
    ),
    (
        "SYN-SCORE-004",
        W,
        "Duplicate of an earlier asset in the batch",
        "Make the asset behave differently from the earlier one: a new name alone is the same asset.",
    ),
    (
        "SYN-SCORE-005",
        INFO,
        "Renderers not installed",
        "Install the render extra (pip install 'synharness[render]') for rendered metrics in the score.",
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
    (
        "SYN-SCN-004",
        E,
        "Scenario exceeds the step cap",
        "Shorten `duration`, lengthen `dt`, or raise `--max-steps` (steps = duration / dt + 1).",
    ),
    # --- STORE: what the companion store does to a document it is sent ----------------
    (
        "SYN-STORE-001",
        INFO,
        "Null member treated as absent",
        "Leave out members you do not have instead of writing null (the store drops them).",
    ),
    (
        "SYN-STORE-002",
        E,
        "Partial body on a full replacement",
        "Send the whole document with PUT, or change only some members with PATCH (a JSON merge patch).",
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
    return new_finding(
        code, severity or info.severity, pointer, message, info.hint if hint is None else hint, file
    )


def strict_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Apply the strict profile: codes with a ``strict`` severity take it.

    The calibration moved style and legacy notes to info; teams that want them
    as warnings (``--strict``, config key ``strict``) lose nothing.

    Args:
        findings: Findings with their default severities.

    Returns:
        The same findings, in order, with the strict severities applied.
    """
    raised: list[Finding] = []
    for item in findings:
        info = CATALOGUE.get(item.code)
        strict = info.strict if info is not None else None
        if strict is not None and strict.rank > item.severity.rank:
            item = item.model_copy(update={"severity": strict})
        raised.append(item)
    return raised

"""Results: what one asset's validation and simulation produced, as plain data.

Vocabulary:
- *asset result*: one document's source, identity, findings and, after a run,
  its scenario outcomes and score; its *verdict* follows from its findings.
- *scenario outcome*: one scenario run against one asset: whether every
  expectation held, and per-parameter metrics of the trace.
- *report*: the asset results of one invocation, with a summary.

Reporters (``reports/``) and exit codes read these objects; nothing here does
I/O. Scenario failures are also filed as error findings on the asset, so the
verdict never has to look at scenarios.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, computed_field
from synharness.findings import Finding, Severity, Verdict, verdict_of
from synharness.render.visual import ScenarioRender

REPORT_VERSION = 1


class ExpectationOutcome(BaseModel):
    """One expectation of a scenario, checked against a trace."""

    model_config = ConfigDict(frozen=True)

    #: The expectation kind (``within_bounds``, ``reaches``, ``event``, ...).
    kind: str
    #: JSON pointer of the expectation in its scenario file.
    pointer: str
    passed: bool
    #: What was expected and what was observed, in words.
    detail: str


class ParameterMetrics(BaseModel):
    """Statistics of one parameter's trace in one scenario."""

    model_config = ConfigDict(frozen=True)

    min: float
    max: float
    mean: float
    #: Fraction of steps at which a clamp changed the value.
    clipped_fraction: float
    nan_count: int
    #: Fraction of the declared range the trace visited (0..1).
    coverage: float


class TracePlot(BaseModel):
    """A downsampled trace kept in the report, so plots can be re-rendered from it.

    At most a few hundred points per parameter (min/max preserving), so a
    report stays small whatever the run's length.
    """

    model_config = ConfigDict(frozen=True)

    t: tuple[float, ...]
    #: Canonical path -> values at ``t``.
    params: dict[str, tuple[float, ...]]
    #: Canonical path -> declared (min, max); None where undeclared.
    ranges: dict[str, tuple[float | None, float | None]] = {}
    #: Canonical path -> time spans ``(t0, t1)`` during which a clamp was active.
    clamped: dict[str, tuple[tuple[float, float], ...]] = {}
    #: Event log entries: ``{"t": seconds, "kind": op, "target": ..., ...}``.
    events: tuple[dict[str, Any], ...] = ()


class AudioClip(BaseModel):
    """A short listenable excerpt and a spectrogram of a render, for the HTML report only."""

    model_config = ConfigDict(frozen=True)

    #: ``data:audio/wav;base64,...`` (8-bit mono, 11,025 Hz, a few seconds).
    wav_data_uri: str
    #: ``data:image/png;base64,...``
    spectrogram_data_uri: str
    seconds: float


class AudioMetrics(BaseModel):
    """What the meters read on one scenario's render (docs/audio.md); None is minus infinity."""

    model_config = ConfigDict(frozen=True)

    sample_rate: int
    seconds: float
    #: ITU-R BS.1770-4 integrated loudness (LUFS).
    integrated_lufs: float | None
    peak_dbfs: float | None
    #: 4x oversampled (BS.1770-4 Annex 2), dBTP.
    true_peak_dbtp: float | None
    rms_dbfs: float | None
    crest_factor_db: float | None
    dc_offset: float
    nonfinite: int
    #: Notes played, and whether they were the audition pattern (no sound events).
    notes: int = 0
    audition: bool = False
    #: Wall-clock seconds the render took.
    render_seconds: float | None = None
    #: The WAV written by ``synharness render``, when one was.
    wav: str | None = None
    #: Kept for the HTML report; never serialised (it is tens of kilobytes).
    clip: AudioClip | None = Field(default=None, exclude=True)


class ScenarioOutcome(BaseModel):
    """One scenario run against one asset."""

    model_config = ConfigDict(frozen=True)

    name: str
    #: The scenario file, or ``builtin:idle`` / ``builtin:sweep`` / ``builtin:random``.
    source: str
    passed: bool
    seed: int
    duration: float
    dt: float
    steps: int
    expectations: tuple[ExpectationOutcome, ...] = ()
    metrics: dict[str, ParameterMetrics] = {}
    event_count: int = 0
    #: Downsampled trace for plots (HTML report), when kept.
    plot: TracePlot | None = None
    #: The shader rendered under this scenario (``run`` with a GL context).
    render: ScenarioRender | None = None
    #: The rendered tone's levels, when the scenario was rendered (``synharness render``).
    #: Left out of the default dump so reports without renders keep their shape; the
    #: JSON report adds it as ``audio`` when present.
    audio: AudioMetrics | None = Field(default=None, exclude=True)


class AssetResult(BaseModel):
    """Everything the harness found out about one document."""

    model_config = ConfigDict(frozen=True)

    #: The file path, ``<stdin>``, ``<stdin>:LINE`` (JSON Lines) or a store URL.
    source: str
    name: str | None = None
    #: The document kind (``synesthetic-asset``, ``shader``, ...), when known.
    kind: str | None = None
    schema_version: str | None = None
    findings: tuple[Finding, ...] = ()
    scenarios: tuple[ScenarioOutcome, ...] = ()
    #: The score in [0, 1], when the asset was scored.
    score: float | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def verdict(self) -> Verdict:
        """``fail`` with any error finding, ``warn`` with any warning, else ``pass``."""
        return verdict_of(self.findings)

    def count(self, severity: Severity) -> int:
        """How many findings have ``severity``."""
        return sum(1 for f in self.findings if f.severity is severity)

    def reaches(self, threshold: Severity) -> bool:
        """Whether any finding is at least as severe as ``threshold``."""
        return any(f.severity.rank >= threshold.rank for f in self.findings)


class Summary(BaseModel):
    """Counts of a report (keys as in report version 1)."""

    model_config = ConfigDict(frozen=True)

    assets: int
    pass_: int
    warn: int
    fail: int

    def as_dict(self) -> dict[str, int]:
        """The summary as report version 1 spells it."""
        return {"assets": self.assets, "pass": self.pass_, "warn": self.warn, "fail": self.fail}


def summarise(results: list[AssetResult] | tuple[AssetResult, ...]) -> Summary:
    """Count verdicts."""
    verdicts = [r.verdict for r in results]
    return Summary(
        assets=len(verdicts),
        pass_=verdicts.count(Verdict.PASS),
        warn=verdicts.count(Verdict.WARN),
        fail=verdicts.count(Verdict.FAIL),
    )

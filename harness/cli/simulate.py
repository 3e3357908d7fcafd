"""``synharness simulate ASSET``: run one asset through a scenario (or the built-ins).

Without ``--scenario`` the asset runs the three built-in scenarios (idle,
sweep, random); ``--trace`` then records the idle run. ``--duration`` and
``--dt`` override the scenario's. The trace file is JSON
(``{"t": [...], "params": {path: [...]}, "events": [...]}``) or CSV (a ``t``
column and one column per parameter), chosen by its suffix.

Exit codes as for every command: 0 when no finding (of validation or of the
runs: a failed expectation, NaN) reaches ``--fail-on`` (default ``error``), 1
when one does, 2 for usage errors (a path that does not exist, a bad option, a
document of another kind than synesthetic-asset). An asset that cannot be
simulated because it is broken (malformed JSON, schema errors) and an invalid
scenario file (``SYN-SCN-002``) are findings: they are printed, exit 1. The
configuration's ``select``/``ignore``/``severity`` apply to the findings.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import orjson
from synharness.cli.configuring import Timer, config_options, load_config
from synharness.cli.options import CliError, Threshold, strict_option
from synharness.config import DEFAULT_CONFIG, Config, apply_config
from synharness.errors import HarnessError
from synharness.findings import Finding, Severity, sort_findings
from synharness.guard import guarded
from synharness.result import AssetResult


@dataclass(frozen=True)
class SimulateInvocation:
    """The parsed ``simulate`` command line."""

    asset: Path
    scenario: Path | None = None
    duration: float | None = None
    dt: float | None = None
    every: int = 1
    trace: Path | None = None
    format: str = "text"
    fail_on: Severity = Severity.ERROR
    config: Config = DEFAULT_CONFIG
    verbosity: int = 1
    cwd: Path = Path(".")
    max_steps: int = 10_000_000
    #: The strict severity profile (``--strict`` or the config's ``strict``).
    strict: bool = False


def _load_asset(path: Path, *, strict: bool = False) -> tuple[Any, list[Finding], str | None]:
    """The asset model (None when it cannot be simulated), its findings and text.

    Raises:
        CliError: The document is valid but of another kind (exit 2: wrong usage).
    """
    from synharness.loading import Source
    from synharness.models import SynestheticAsset
    from synharness.pipeline import ValidationOptions, check_source

    checked = check_source(
        Source(name=str(path), path=path), options=ValidationOptions(strict=strict)
    )
    findings = list(checked.result.findings)
    if isinstance(checked.model, SynestheticAsset):
        return checked.model, findings, checked.text
    kind = checked.result.kind
    if not any(f.severity is Severity.ERROR for f in findings):
        what = f"it is a {kind} document" if kind else "it is not a synesthetic asset"
        raise CliError(f"{path}: cannot simulate: {what}, not a synesthetic-asset", exit_code=2)
    return None, findings, checked.text


def _finish(
    invocation: SimulateInvocation,
    name: str | None,
    outcomes: list[Any],
    findings: list[Finding],
) -> tuple[str, int]:
    """Apply the configuration, render the output, and decide the exit code."""
    result = AssetResult(source=str(invocation.asset), name=name, findings=tuple(findings))
    (result,) = apply_config([result], invocation.config, cwd=invocation.cwd)
    merged = sort_findings(result.findings)
    code = 1 if result.reaches(invocation.fail_on) else 0
    if invocation.format == "json":
        doc = {
            "asset": str(invocation.asset),
            "name": name,
            "scenarios": [o.model_dump(mode="json") for o in outcomes],
            "findings": [f.model_dump(mode="json", exclude_none=True) for f in merged],
        }
        output = (
            orjson.dumps(doc, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode() + "\n"
        )
    else:
        output = _text(str(invocation.asset), name, outcomes, merged)
    return output, code


def run_simulate(invocation: SimulateInvocation) -> tuple[str, int, dict[str, Any] | None]:
    """Simulate, render the output, and return it with the exit code and the trace.

    Args:
        invocation: What to run.

    Returns:
        The output text, the exit code and the trace document (when asked for).

    Raises:
        CliError: The document is of another kind than synesthetic-asset (exit 2).
    """
    from synharness.agents import (
        ScenarioError,
        builtin_scenarios,
        compile_asset,
        load_scenario,
        run_scenarios,
    )
    from synharness.agents.scenario import DEFAULT_DT
    from synharness.cli.run import locate_findings

    timer = Timer()
    asset, validation, text = _load_asset(invocation.asset, strict=invocation.strict)
    if asset is None:
        output, code = _finish(invocation, None, [], validation)
        return output, code, None
    update = {
        k: v for k, v in (("duration", invocation.duration), ("dt", invocation.dt)) if v is not None
    }
    if invocation.scenario is not None:
        try:
            scenarios = [load_scenario(invocation.scenario).model_copy(update=update)]
        except ScenarioError as exc:
            output, code = _finish(invocation, asset.name, [], [*validation, exc.to_finding()])
            return output, code, None
    else:
        scenarios = builtin_scenarios(
            asset, duration=invocation.duration or 10.0, dt=invocation.dt or DEFAULT_DT
        )
    compiled = compile_asset(asset)
    trace: dict[str, Any] | None = None

    def keep_trace(scenario: Any, result: Any) -> None:
        # The first scenario's recorded trace, as arrays (no second run, no Python lists).
        nonlocal trace
        if trace is None and invocation.trace is not None and scenario is scenarios[0]:
            trace = {
                "t": result.t,
                "params": dict(zip(result.paths, result.matrix, strict=True)),
                "events": result.events,
            }

    outcomes, findings = run_scenarios(
        compiled,
        scenarios,
        every=invocation.every,
        max_steps=invocation.max_steps,
        on_result=keep_trace,
    )
    findings = locate_findings(findings, text)
    known = {(f.code, f.pointer, f.file) for f in validation}
    merged = [*validation, *(f for f in findings if (f.code, f.pointer, f.file) not in known)]
    output, code = _finish(invocation, asset.name, outcomes, merged)
    timer.report("simulated scenarios", len(outcomes), verbosity=invocation.verbosity)
    return output, code, trace


def _text(source: str, name: str | None, outcomes: list[Any], findings: list[Finding]) -> str:
    out = io.StringIO()
    out.write(f"{source} ({name})\n" if name else f"{source}\n")
    for o in outcomes:
        status = "passed" if o.passed else "FAILED"
        out.write(
            f"\nscenario {o.name} [{o.source}] {o.steps} steps of {o.dt:.6g} s, seed {o.seed}, "
            f"{o.event_count} events: {status}\n"
        )
        if o.metrics:
            width = max(len(p) for p in o.metrics)
            out.write(
                f"  {'parameter':<{width}}  {'min':>10} {'max':>10} {'mean':>10} {'clipped':>8} {'nan':>5} {'coverage':>8}\n"
            )
            for p, m in o.metrics.items():
                out.write(
                    f"  {p:<{width}}  {m.min:>10.4g} {m.max:>10.4g} {m.mean:>10.4g} "
                    f"{m.clipped_fraction:>8.1%} {m.nan_count:>5d} {m.coverage:>8.1%}\n"
                )
        for e in o.expectations:
            mark = "ok  " if e.passed else "FAIL"
            out.write(f"  {mark} {e.kind} {e.pointer}: {e.detail}\n")
    if findings:
        out.write("\nfindings:\n")
        for f in findings:
            where = f.file or source
            at = f":{f.line}:{f.column}" if f.line is not None else ""
            out.write(
                f"  {where}{at} {f.pointer or '/'} {f.code} {f.severity.value}: {f.message}\n"
            )
    return out.getvalue()


#: Rows of a CSV trace converted to Python numbers at a time.
CSV_BLOCK = 4096


def write_trace(trace: dict[str, Any], path: Path) -> None:
    """Write a trace as JSON or, for a ``.csv`` path, as CSV."""
    try:
        if path.suffix.lower() == ".csv":
            with path.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                names = list(trace["params"])
                writer.writerow(["t", *names])
                columns = [trace["t"], *(trace["params"][n] for n in names)]
                # Block by block: a long trace never becomes one list of Python floats.
                for start in range(0, len(columns[0]), CSV_BLOCK):
                    block = [list(c[start : start + CSV_BLOCK].tolist()) for c in columns]
                    writer.writerows(zip(*block, strict=True))
        else:
            path.write_bytes(orjson.dumps(trace, option=orjson.OPT_SERIALIZE_NUMPY) + b"\n")
    except OSError as exc:
        raise CliError(f"{path}: cannot write the trace: {exc.strerror}", exit_code=2) from None


@click.command("simulate")
@click.argument("asset", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--scenario",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A scenario file (YAML or JSON).",
)
@click.option(
    "--duration",
    type=click.FloatRange(min=0, min_open=True, max=86_400),
    help="Seconds to simulate.",
)
@click.option(
    "--dt",
    type=click.FloatRange(min=0, min_open=True, max=10),
    help="Step length in seconds (default 1/60).",
)
@click.option(
    "--every",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Record every K-th step.",
)
@click.option(
    "--trace",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the trace to FILE.json or FILE.csv.",
)
@click.option(
    "--format",
    "format_",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--max-steps",
    type=click.IntRange(min=1),
    default=10_000_000,
    show_default=True,
    help="Most steps one scenario may take; longer ones are not run (SYN-SCN-004).",
)
@click.option(
    "--fail-on",
    type=Threshold(),
    help="Least severe finding that makes the exit code 1 [default: error, or the config's].",
)
@config_options(discovery=False)
@strict_option
@click.option("-v", "--verbose", count=True, help="More detail: timings.")
def command(
    asset: Path,
    scenario: Path | None,
    duration: float | None,
    dt: float | None,
    every: int,
    trace: Path | None,
    format_: str,
    fail_on: Severity | None,
    config_path: Path | None,
    strict: bool,
    verbose: int,
    max_steps: int,
    **flags: Any,
) -> None:
    """Simulate one asset through a scenario, or through the built-in idle, sweep and random runs."""
    cwd = Path.cwd()
    config = load_config(explicit=config_path, cwd=cwd, fail_on=fail_on, **flags)
    invocation = SimulateInvocation(
        asset=asset,
        scenario=scenario,
        duration=duration,
        dt=dt,
        every=every,
        trace=trace,
        format=format_,
        fail_on=config.fail_on or Severity.ERROR,
        config=config,
        verbosity=1 + verbose,
        cwd=cwd,
        max_steps=max_steps,
        strict=strict or bool(config.strict),
    )
    text, code, trace_doc = guarded(
        lambda: run_simulate(invocation),
        source=str(asset),
        expected=(CliError, HarnessError),
        fallback=lambda f: (
            f"{asset}: {f.severity.value} {f.code} {f.message}\n  {f.hint}\n",
            1,
            None,
        ),
    )
    if trace_doc is not None and invocation.trace is not None:
        write_trace(trace_doc, invocation.trace)
    click.echo(text, nl=False)
    click.get_current_context().exit(code)

#!/usr/bin/env bash
# The steps of the synharness GitHub Action (action.yml), one subcommand each, so
# that a test runs exactly what the action runs (tests/acceptance/test_action.py).
#
#   action.sh install   create a virtualenv in $RUNNER_TEMP, pip install the
#                       action's own checkout ($GITHUB_ACTION_PATH) into it, and
#                       put its bin/ on $GITHUB_PATH
#   action.sh run       run synharness with the INPUT_* variables; record the exit
#                       code (and the SARIF file) in $GITHUB_OUTPUT and exit 0, so
#                       that the SARIF upload still runs after failing findings
#   action.sh finish    exit with the recorded code ($SYNHARNESS_EXIT_CODE)
#
# Inputs (set by action.yml from the action's inputs):
#   INPUT_COMMAND     run (validate + scenarios) or validate        [run]
#   INPUT_PATHS       paths, folders or globs, separated by spaces or newlines
#                     (empty: synharness's default)
#   INPUT_FORMAT      log formats for the step's output: github (annotations),
#                     concise; comma- or space-separated             [github]
#   INPUT_FAIL_ON     error or warning                               [error]
#   INPUT_CONFIG      a configuration file (empty: found from the working directory)
#   INPUT_SARIF       true: also write report.sarif for the upload step [false]
#   INPUT_REPORT_DIR  where report files go                          [synharness-reports]
#   INPUT_PYTHON      the interpreter of the virtualenv (install)    [python3]
set -euo pipefail

step="${1:-}"

die() {
  echo "::error title=synharness action::$*"
  exit 2
}

case "$step" in
  install)
    python="${INPUT_PYTHON:-python3}"
    venv="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/synharness-venv"
    source_dir="${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set}"
    # A virtualenv: runner images mark the system Python as externally managed (PEP 668).
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$source_dir"
    echo "$venv/bin" >>"${GITHUB_PATH:?GITHUB_PATH is not set}"
    echo "installed synharness from $source_dir into $venv"
    ;;

  run)
    command="${INPUT_COMMAND:-run}"
    case "$command" in run | validate) ;; *) die "command must be run or validate, not '$command'" ;; esac
    fail_on="${INPUT_FAIL_ON:-error}"
    report_dir="${INPUT_REPORT_DIR:-synharness-reports}"
    output="${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"
    set -f # paths and globs go to synharness as written; it expands them itself
    # shellcheck disable=SC2206
    paths_input="${INPUT_PATHS:-}"
    paths=(${paths_input})
    # shellcheck disable=SC2206
    format_input="${INPUT_FORMAT:-github}"
    formats=(${format_input//,/ })
    set +f
    [ ${#formats[@]} -gt 0 ] || formats=(github)
    args=("$command" --fail-on "$fail_on" --report-dir "$report_dir")
    [ -z "${INPUT_CONFIG:-}" ] || args+=(--config "$INPUT_CONFIG")
    for format in "${formats[@]}"; do
      case "$format" in github | concise) args+=(--format "$format") ;; *) die "format must be github or concise, not '$format'" ;; esac
    done
    [ "${INPUT_SARIF:-false}" != "true" ] || args+=(--format sarif)
    if [ "$command" = validate ] && [ ${#paths[@]} -eq 0 ]; then
      paths=(.)
    fi
    set +e
    if [ "$command" = validate ]; then
      # validate prints its text report when it writes files: the log formats are
      # written to the report directory and printed from there.
      synharness "${args[@]}" "${paths[@]}" >/dev/null
      code=$?
      for format in "${formats[@]}"; do
        case "$format" in
          github) file="$report_dir/annotations.txt" ;;
          concise) file="$report_dir/findings.txt" ;;
        esac
        [ ! -f "$file" ] || cat "$file"
      done
    else
      synharness "${args[@]}" "${paths[@]}"
      code=$?
    fi
    set -e
    echo "exit-code=$code" >>"$output"
    if [ -f "$report_dir/report.sarif" ] && [ "${INPUT_SARIF:-false}" = "true" ]; then
      echo "sarif=$report_dir/report.sarif" >>"$output"
    fi
    echo "synharness exited with $code (0: nothing at --fail-on $fail_on, 1: findings at it, 2: usage error)"
    ;;

  finish)
    code="${SYNHARNESS_EXIT_CODE:-}"
    [ -n "$code" ] || die "synharness did not run (see the step above)"
    exit "$code"
    ;;

  *)
    die "usage: action.sh install|run|finish"
    ;;
esac

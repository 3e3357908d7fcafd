"""The reward for training loops: ``synharness.reward(completions, *, prompts=None, **kwargs)``.

Shaped like the reward functions of TRL's ``GRPOTrainer(reward_funcs=...)``:
called with the batch's ``prompts`` and ``completions`` (and the dataset's
other columns as keyword arguments, ignored here), it returns one float per
completion, same length and order, and never raises.

Vocabulary:
- *completion*: what the model wrote, as a string, bytes, an already-parsed
  dict, or a conversational list of messages (``[{"role": "assistant",
  "content": "..."}]``; the last assistant message counts, and a content
  given as parts, ``[{"type": "text", "text": "..."}]``, is joined);
- *extraction*: the JSON document inside model text: the whole text when it
  is one JSON value; else the first fenced block (```json ... ```, or a bare
  fence) that parses as an object; else the first ``{...}`` that parses as
  an object inside prose; else the text itself, which then scores 0 with its
  ``SYN-LOAD-*`` finding.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from synharness.agents.scoring import DEFAULT_SCENARIOS, score_many

_FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_+-]*)[ \t]*\r?\n(.*?)(?:\r?\n)?[ \t]*```", re.S)
#: Opening braces tried in prose before giving up (bounds the work on long text).
MAX_BRACES = 64
_DECODER = json.JSONDecoder()


def completion_text(completion: Any) -> Any:
    """The text (or dict, or bytes) of one completion, conversational or not."""
    if isinstance(completion, list):
        messages = [m for m in completion if isinstance(m, dict)]
        chosen = [m for m in messages if m.get("role") == "assistant"] or messages
        if not chosen:
            return ""
        content = chosen[-1].get("content", "")
        if isinstance(content, list):
            return "".join(
                str(part.get("text", "")) if isinstance(part, dict) else str(part)
                for part in content
            )
        return content
    return completion


def extract_document(text: Any) -> Any:
    """The JSON document inside model text (see the module doc); dicts and bytes pass as they are."""
    if not isinstance(text, str):
        return text
    stripped = text.strip()
    if not stripped:
        return text
    if stripped[0] in "{[":
        try:
            json.loads(stripped)
            return stripped
        except ValueError:
            pass
    for match in _FENCE.finditer(text):
        body = match.group(2).strip()
        if _object(body):
            return body
    start = text.find("{")
    tried = 0
    while start != -1 and tried < MAX_BRACES:
        try:
            value, end = _DECODER.raw_decode(text, start)
        except ValueError:
            value, end = None, start
        if isinstance(value, dict):
            return text[start:end]
        tried += 1
        start = text.find("{", start + 1)
    return text


def _object(body: str) -> bool:
    try:
        return isinstance(json.loads(body), dict)
    except ValueError:
        return False


def reward(
    completions: Sequence[Any],
    *,
    prompts: Sequence[Any] | None = None,
    jobs: int = 1,
    scenarios: Sequence[str] = DEFAULT_SCENARIOS,
    render: bool = False,
    **kwargs: Any,
) -> list[float]:
    """Score model completions as synesthetic assets: one float in [0, 1] each.

    Args:
        completions: What the model wrote (see the module doc for the shapes).
        prompts: The prompts, accepted for the trainer's signature; unused.
        jobs: Worker processes for large batches.
        scenarios: Built-in scenarios the score runs.
        render: Also run the renderers, when installed.
        **kwargs: Whatever else the trainer passes (dataset columns,
            ``completion_ids``, ...); ignored.

    Returns:
        One score per completion, in order. A later completion that behaves
        like an earlier one of the same call scores lower (``SYN-SCORE-004``);
        anything that fails to score gives 0.0 rather than an exception.
    """
    del prompts, kwargs  # part of the trainer's calling convention only
    items = list(completions)
    documents: list[Any] = []
    for item in items:
        try:
            documents.append(extract_document(completion_text(item)))
        except Exception:
            documents.append(b"")
    try:
        return [
            s.score for s in score_many(documents, jobs=jobs, scenarios=scenarios, render=render)
        ]
    except Exception:
        out: list[float] = []
        for doc in documents:
            try:
                out.append(score_many([doc], scenarios=scenarios, render=render)[0].score)
            except Exception:
                out.append(0.0)
        return out

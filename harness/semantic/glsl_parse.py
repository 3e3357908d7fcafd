"""A small GLSL reader: declarations and identifier uses, not a compiler.

It strips comments and preprocessor lines (keeping ``#define`` names),
tokenizes, and walks the tokens once, tracking brace and parenthesis depth:

- a *storage declaration* is a global statement that starts with ``uniform``,
  ``attribute``, ``varying``, ``in`` or ``out`` (precision, interpolation and
  ``layout(...)`` qualifiers may sit in between): ``uniform vec3 a, b;``,
  ``uniform float x[4];`` and ``uniform float[4] x;`` all declare;
- a *declared name* is any identifier that follows a type (builtin or
  ``struct``): globals, locals, function names and parameters, struct fields;
- a *free identifier* is one that is used but is none of: declared, a macro,
  a keyword or type, a ``gl_`` builtin, a member after ``.``, a function call.

Parsing is cached per source string: assets in a batch often share shaders.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
# A preprocessor line, with backslash continuations.
_PREPROCESSOR = re.compile(r"^[ \t]*#(?:\\\n|[^\n])*", re.M)
_DEFINE = re.compile(r"^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)", re.M)
_INCLUDE = re.compile(r"^[ \t]*#[ \t]*include\b", re.M)
_TOKEN = re.compile(
    r"[A-Za-z_]\w*|\d+\.?\d*(?:[eE][+-]?\d+)?[uUfF]?|\.\d+(?:[eE][+-]?\d+)?[fF]?|\S"
)
_TYPE = re.compile(
    r"void|bool|u?int|float|double|[biud]?vec[234]|d?mat[234](?:x[234])?"
    r"|[iu]?sampler\w+|[iu]?image\w+|atomic_uint"
)
_IDENT = re.compile(r"[A-Za-z_]\w*")

STORAGE = frozenset({"uniform", "attribute", "varying", "in", "out"})
_QUALIFIERS = frozenset(
    {
        "const", "highp", "mediump", "lowp", "precision", "invariant", "flat", "smooth",
        "noperspective", "centroid", "inout", "layout", "buffer", "shared", "coherent",
        "volatile", "restrict", "readonly", "writeonly", "patch", "sample",
    }
)  # fmt: skip
_KEYWORDS = STORAGE | _QUALIFIERS | frozenset(
    {
        "break", "continue", "do", "for", "while", "if", "else", "switch", "case", "default",
        "return", "discard", "struct", "true", "false",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class GlslUnit:
    """What one GLSL source declares and uses."""

    #: Storage declarations: name -> (qualifier, type); arrays as ``float[4]``.
    storage: dict[str, tuple[str, str]]
    #: Every declared identifier (globals, locals, functions, fields, macros, structs).
    declared: frozenset[str]
    #: Identifiers used other than where they are declared.
    used: frozenset[str]
    #: Used identifiers that nothing declares (see the module docstring).
    free: tuple[str, ...]
    #: Uniform name -> GLSL type (read-only: units are cached and shared).
    uniform_types: Mapping[str, str]
    #: The source has ``#include`` lines (three.js chunks such as ``<common>``):
    #: what they declare is unknown here, so free identifiers prove nothing.
    includes: bool = False

    def uniforms(self) -> Mapping[str, str]:
        """Uniform name -> GLSL type."""
        return self.uniform_types


@dataclass(frozen=True, slots=True)
class ShaderPair:
    """A vertex and a fragment source read together."""

    vertex: GlslUnit
    fragment: GlslUnit
    #: Uniform name -> type, the vertex declaration first.
    uniforms: Mapping[str, str]
    #: (name, vertex type, fragment type) of uniforms the stages type differently.
    conflicts: tuple[tuple[str, str, str], ...]
    #: Identifiers either stage uses.
    used: frozenset[str]


@lru_cache(maxsize=256)
def parse_pair(vertex_source: str, fragment_source: str) -> ShaderPair:
    """Read both stages of a shader (cached: batches often share shaders)."""
    vertex, fragment = parse(vertex_source), parse(fragment_source)
    uniforms = dict(vertex.uniform_types)
    conflicts = []
    for name, type_ in fragment.uniform_types.items():
        other = uniforms.setdefault(name, type_)
        if other != type_:
            conflicts.append((name, other, type_))
    return ShaderPair(
        vertex=vertex,
        fragment=fragment,
        uniforms=MappingProxyType(uniforms),
        conflicts=tuple(conflicts),
        used=vertex.used | fragment.used,
    )


#: Token classes: a builtin type, a plain name, anything else.
_TYPE_TOKEN, _NAME_TOKEN, _OTHER_TOKEN = 1, 2, 0


@lru_cache(maxsize=8192)
def _token_class(token: str) -> int:
    # Cached: identifiers repeat all through a source, and the regexes are
    # the inner loop of the reader.
    if _TYPE.fullmatch(token) is not None:
        return _TYPE_TOKEN
    if token not in _KEYWORDS and _IDENT.fullmatch(token) is not None:
        return _NAME_TOKEN
    return _OTHER_TOKEN


def _is_type(token: str, structs: set[str]) -> bool:
    return token in structs or _token_class(token) == _TYPE_TOKEN


def _is_name(token: str) -> bool:
    return _token_class(token) == _NAME_TOKEN


def _array_suffix(tokens: list[str], i: int) -> tuple[str, int]:
    """Read ``[ ... ]`` groups at ``i``; return the suffix text and the next index."""
    suffix = ""
    while i < len(tokens) and tokens[i] == "[":
        j = i + 1
        while j < len(tokens) and tokens[j] != "]":
            j += 1
        suffix += "[" + "".join(tokens[i + 1 : j]) + "]"
        i = j + 1
    return suffix, i


def _skip_initializer(tokens: list[str], i: int) -> int:
    """Skip ``= expr`` up to the ``,`` or ``;`` (or closing paren) that ends it."""
    depth = 0
    while i < len(tokens):
        t = tokens[i]
        if t in "([{":
            depth += 1
        elif t in ")]}":
            if depth == 0:
                return i
            depth -= 1
        elif t in ",;" and depth == 0:
            return i
        i += 1
    return i


def tokenize(source: str) -> tuple[list[str], frozenset[str]]:
    """Tokens of ``source`` without comments and preprocessor lines; the ``#define`` names."""
    text = _COMMENT.sub(" ", source)
    macros = frozenset(_DEFINE.findall(text))
    return _TOKEN.findall(_PREPROCESSOR.sub(" ", text)), macros


@lru_cache(maxsize=512)
def parse(source: str) -> GlslUnit:
    """Read the declarations and identifier uses of one GLSL source."""
    tokens, macros = tokenize(source)
    structs: set[str] = set()
    storage: dict[str, tuple[str, str]] = {}
    declared: set[str] = set(macros)
    declaration_at: set[int] = set()
    braces = parens = 0
    qualifier: str | None = None
    n = len(tokens)
    i = 0
    while i < n:
        t = tokens[i]
        if t == "{":
            braces += 1
        elif t == "}":
            braces -= 1
        elif t == "(":
            parens += 1
        elif t == ")":
            parens -= 1
        elif t == ";":
            qualifier = None
        elif t in STORAGE and braces == 0 and parens == 0:
            qualifier = t
        elif t == "layout" and i + 1 < n and tokens[i + 1] == "(":
            # layout(location = 0): its identifiers are not uses.
            j = i + 1
            while j < n and tokens[j] != ")":
                declaration_at.add(j)
                j += 1
            i = j + 1
            continue
        elif t == "struct" and i + 1 < n and _is_name(tokens[i + 1]):
            structs.add(tokens[i + 1])
            declared.add(tokens[i + 1])
            declaration_at.add(i + 1)
            i += 2
            continue
        elif (t in structs or _token_class(t) == _TYPE_TOKEN) and (i == 0 or tokens[i - 1] != "."):
            type_suffix, j = _array_suffix(tokens, i + 1)
            if j < n and _is_name(tokens[j]):
                i = _declarators(
                    tokens, j, t, type_suffix, qualifier, storage, declared, declaration_at
                )
                continue
        i += 1
    used: set[str] = set()
    free: list[str] = []
    for k, t in enumerate(tokens):
        if _token_class(t) != _NAME_TOKEN or k in declaration_at or t in structs:
            continue
        if k > 0 and tokens[k - 1] == ".":
            continue  # a member or swizzle
        if k + 1 < n and tokens[k + 1] == "(":
            continue  # a call (builtin or declared function)
        used.add(t)
        if t not in declared and not t.startswith("gl_") and t not in free:
            free.append(t)
    return GlslUnit(
        storage=storage,
        declared=frozenset(declared),
        used=frozenset(used),
        free=tuple(free),
        uniform_types=MappingProxyType({n: t for n, (q, t) in storage.items() if q == "uniform"}),
        includes=_INCLUDE.search(source) is not None,
    )


def _declarators(
    tokens: list[str],
    i: int,
    type_: str,
    type_suffix: str,
    qualifier: str | None,
    storage: dict[str, tuple[str, str]],
    declared: set[str],
    declaration_at: set[int],
) -> int:
    """Record ``name [N] (= init)? (, name ...)*`` from ``i``; return where it stops."""
    n = len(tokens)
    while i < n and _is_name(tokens[i]):
        name = tokens[i]
        declared.add(name)
        declaration_at.add(i)
        suffix, i = _array_suffix(tokens, i + 1)
        if qualifier is not None and name not in storage:
            storage[name] = (qualifier, type_ + (type_suffix or suffix))
        if i < n and tokens[i] == "=":
            i = _skip_initializer(tokens, i + 1)
        if i < n and tokens[i] == "," and qualifier is not None:
            i += 1
            continue
        # Outside a storage declaration a comma may separate call arguments or
        # parameters; only continue when another plain name follows.
        if (
            i + 1 < n
            and tokens[i] == ","
            and _is_name(tokens[i + 1])
            and (i + 2 >= n or tokens[i + 2] in ",;=[")
        ):
            i += 1
            continue
        break
    return i

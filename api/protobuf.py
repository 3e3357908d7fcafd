"""A synesthetic asset as protocol buffers, and back, exactly.

:func:`to_proto` turns an asset (parsed JSON) into the ``SynestheticAsset``
message of ``api/proto/synesthetic_asset.proto``; :func:`from_proto` turns one
back. The round trip is exact: ``from_proto(to_proto(doc)) == doc`` with the
same member order, integers as integers, doubles as doubles and nulls kept.
Malformed bytes raise :class:`ProtobufError`.
"""

from __future__ import annotations

from typing import Any

from google.protobuf.message import DecodeError
from synharness.api.proto import synesthetic_asset_pb2 as pb

#: The media type of the protobuf routes.
PROTOBUF = "application/x-protobuf"
_INT64 = range(-(2**63), 2**63)
_COMPONENTS = ("shader", "tone", "haptic", "control", "modulation", "rule_bundle")
#: Message nesting depth allowed when decoding (the JSON pipeline's limit is lower).
_MAX_DEPTH = 200


class ProtobufError(ValueError):
    """The bytes are not a SynestheticAsset message the store can read."""


def _value(value: Any, depth: int = 0) -> pb.Value:
    if depth > _MAX_DEPTH:
        raise ProtobufError("the document nests too deeply for protobuf")
    out = pb.Value()
    if value is None:
        out.null_value = True
    elif isinstance(value, bool):
        out.bool_value = value
    elif isinstance(value, int):
        if value in _INT64:
            out.int_value = value
        else:
            out.big_int_value = str(value)
    elif isinstance(value, float):
        out.double_value = value
    elif isinstance(value, str):
        out.string_value = value
    elif isinstance(value, list):
        out.list_value.CopyFrom(_list(value, depth + 1))
    elif isinstance(value, dict):
        out.object_value.CopyFrom(_object(value, depth + 1))
    else:
        raise ProtobufError(f"not a JSON value: {type(value).__name__}")
    return out


def _list(items: list[Any], depth: int = 0) -> pb.List:
    return pb.List(items=[_value(v, depth) for v in items])


def _object(members: dict[str, Any], depth: int = 0) -> pb.Object:
    return pb.Object(members=[pb.Member(key=k, value=_value(v, depth)) for k, v in members.items()])


def _component(part: dict[str, Any]) -> pb.Component:
    out = pb.Component(order=list(part))
    rest = {}
    for key, value in part.items():
        if key in ("name", "description") and isinstance(value, str):
            setattr(out, key, value)
        else:
            rest[key] = value
    out.members.CopyFrom(_object(rest))
    return out


def to_proto(doc: dict[str, Any]) -> bytes:
    """The serialized ``SynestheticAsset`` of an asset document.

    Raises:
        ProtobufError: ``doc`` holds something JSON cannot (never a parsed document).
    """
    out = pb.SynestheticAsset(order=list(doc))
    other: dict[str, Any] = {}
    for key, value in doc.items():
        if key == "$schema" and isinstance(value, str):
            out.schema = value
        elif key in ("name", "description") and isinstance(value, str):
            setattr(out, key, value)
        elif key == "meta_info" and isinstance(value, dict):
            out.meta_info.CopyFrom(_object(value))
        elif key == "modulations" and isinstance(value, list):
            out.modulations.CopyFrom(_list(value))
        elif key in _COMPONENTS and isinstance(value, dict):
            getattr(out, key).CopyFrom(_component(value))
        else:
            other[key] = value
    out.other.CopyFrom(_object(other))
    return out.SerializeToString()


def _json(value: pb.Value) -> Any:
    kind = value.WhichOneof("kind")
    if kind is None or kind == "null_value":
        return None
    if kind == "list_value":
        return [_json(v) for v in value.list_value.items]
    if kind == "object_value":
        return _members(value.object_value)
    if kind == "big_int_value":
        try:
            return int(value.big_int_value)
        except ValueError:
            raise ProtobufError(
                f"big_int_value {value.big_int_value!r} is not an integer"
            ) from None
    return getattr(value, kind)


def _members(obj: pb.Object) -> dict[str, Any]:
    return {m.key: _json(m.value) for m in obj.members}


def _ordered(order: list[str], found: dict[str, Any]) -> dict[str, Any]:
    keys = [k for k in dict.fromkeys(order) if k in found]
    return {**{k: found[k] for k in keys}, **{k: v for k, v in found.items() if k not in keys}}


def _from_component(part: pb.Component) -> dict[str, Any]:
    found = _members(part.members)
    for key in ("name", "description"):
        if part.HasField(key):
            found[key] = getattr(part, key)
    return _ordered(list(part.order), found)


def from_proto(raw: bytes) -> dict[str, Any]:
    """The asset document of a serialized ``SynestheticAsset``.

    Raises:
        ProtobufError: The bytes are not such a message.
    """
    message = pb.SynestheticAsset()
    try:
        message.ParseFromString(raw)
    except (DecodeError, RecursionError) as exc:
        raise ProtobufError(f"not a SynestheticAsset message: {exc}") from None
    found = _members(message.other)
    if message.HasField("schema"):
        found["$schema"] = message.schema
    if message.name or "name" in message.order:
        found.setdefault("name", message.name)
    if message.HasField("description"):
        found["description"] = message.description
    if message.HasField("meta_info"):
        found["meta_info"] = _members(message.meta_info)
    if message.HasField("modulations"):
        found["modulations"] = [_json(v) for v in message.modulations.items]
    for key in _COMPONENTS:
        if message.HasField(key):
            found[key] = _from_component(getattr(message, key))
    return _ordered(list(message.order), found)

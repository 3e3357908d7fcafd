from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Value(_message.Message):
    __slots__ = ("null_value", "bool_value", "int_value", "double_value", "string_value", "list_value", "object_value", "big_int_value")
    NULL_VALUE_FIELD_NUMBER: _ClassVar[int]
    BOOL_VALUE_FIELD_NUMBER: _ClassVar[int]
    INT_VALUE_FIELD_NUMBER: _ClassVar[int]
    DOUBLE_VALUE_FIELD_NUMBER: _ClassVar[int]
    STRING_VALUE_FIELD_NUMBER: _ClassVar[int]
    LIST_VALUE_FIELD_NUMBER: _ClassVar[int]
    OBJECT_VALUE_FIELD_NUMBER: _ClassVar[int]
    BIG_INT_VALUE_FIELD_NUMBER: _ClassVar[int]
    null_value: bool
    bool_value: bool
    int_value: int
    double_value: float
    string_value: str
    list_value: List
    object_value: Object
    big_int_value: str
    def __init__(self, null_value: _Optional[bool] = ..., bool_value: _Optional[bool] = ..., int_value: _Optional[int] = ..., double_value: _Optional[float] = ..., string_value: _Optional[str] = ..., list_value: _Optional[_Union[List, _Mapping]] = ..., object_value: _Optional[_Union[Object, _Mapping]] = ..., big_int_value: _Optional[str] = ...) -> None: ...

class List(_message.Message):
    __slots__ = ("items",)
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[Value]
    def __init__(self, items: _Optional[_Iterable[_Union[Value, _Mapping]]] = ...) -> None: ...

class Object(_message.Message):
    __slots__ = ("members",)
    MEMBERS_FIELD_NUMBER: _ClassVar[int]
    members: _containers.RepeatedCompositeFieldContainer[Member]
    def __init__(self, members: _Optional[_Iterable[_Union[Member, _Mapping]]] = ...) -> None: ...

class Member(_message.Message):
    __slots__ = ("key", "value")
    KEY_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    key: str
    value: Value
    def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[Value, _Mapping]] = ...) -> None: ...

class Component(_message.Message):
    __slots__ = ("name", "description", "members", "order")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    MEMBERS_FIELD_NUMBER: _ClassVar[int]
    ORDER_FIELD_NUMBER: _ClassVar[int]
    name: str
    description: str
    members: Object
    order: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., members: _Optional[_Union[Object, _Mapping]] = ..., order: _Optional[_Iterable[str]] = ...) -> None: ...

class SynestheticAsset(_message.Message):
    __slots__ = ("schema", "name", "description", "meta_info", "shader", "tone", "haptic", "control", "modulation", "modulations", "rule_bundle", "other", "order")
    SCHEMA_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    META_INFO_FIELD_NUMBER: _ClassVar[int]
    SHADER_FIELD_NUMBER: _ClassVar[int]
    TONE_FIELD_NUMBER: _ClassVar[int]
    HAPTIC_FIELD_NUMBER: _ClassVar[int]
    CONTROL_FIELD_NUMBER: _ClassVar[int]
    MODULATION_FIELD_NUMBER: _ClassVar[int]
    MODULATIONS_FIELD_NUMBER: _ClassVar[int]
    RULE_BUNDLE_FIELD_NUMBER: _ClassVar[int]
    OTHER_FIELD_NUMBER: _ClassVar[int]
    ORDER_FIELD_NUMBER: _ClassVar[int]
    schema: str
    name: str
    description: str
    meta_info: Object
    shader: Component
    tone: Component
    haptic: Component
    control: Component
    modulation: Component
    modulations: List
    rule_bundle: Component
    other: Object
    order: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, schema: _Optional[str] = ..., name: _Optional[str] = ..., description: _Optional[str] = ..., meta_info: _Optional[_Union[Object, _Mapping]] = ..., shader: _Optional[_Union[Component, _Mapping]] = ..., tone: _Optional[_Union[Component, _Mapping]] = ..., haptic: _Optional[_Union[Component, _Mapping]] = ..., control: _Optional[_Union[Component, _Mapping]] = ..., modulation: _Optional[_Union[Component, _Mapping]] = ..., modulations: _Optional[_Union[List, _Mapping]] = ..., rule_bundle: _Optional[_Union[Component, _Mapping]] = ..., other: _Optional[_Union[Object, _Mapping]] = ..., order: _Optional[_Iterable[str]] = ...) -> None: ...

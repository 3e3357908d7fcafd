"""API models (pydantic variants by suffix), for the OpenAPI document and request options.

Documents themselves are validated by the harness pipeline, not by these
models: a response is the stored JSON with metadata keys added, so the
``*Public`` models allow extra keys and only name the metadata.
"""

from __future__ import annotations

from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from synharness.api.errors import InvalidDocument


# Metadata the store adds to every stored document.
class StoredMeta(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: int
    created_at: str
    updated_at: str
    verdict: str = Field(pattern="^(pass|warn|fail)$")


# An asset as GET answers it: the stored document plus the metadata keys
# (``synesthetic_asset_id`` repeats ``id`` under the seed backend's name).
class AssetPublic(StoredMeta):
    synesthetic_asset_id: int
    name: str


# The nested view: the asset plus the ids of its components in their collections.
class NestedAssetPublic(AssetPublic):
    shader_id: int | None = None
    tone_id: int | None = None
    haptic_id: int | None = None
    control_id: int | None = None
    modulation_id: int | None = None
    rule_bundle_id: int | None = None


# A component (shader, tone, ...) as GET answers it.
class ComponentPublic(StoredMeta):
    pass


# One verification report.
class ReportPublic(BaseModel):
    id: int
    asset_id: int
    asset_version: int
    created_at: str
    verdict: str
    result: dict[str, Any]


# A report in a list: the result without plotted traces, the full report at links.self.
class ReportSummaryPublic(ReportPublic):
    links: dict[str, str]


# GET /synesthetic-assets/{id}/findings: what the asset was stored with.
class FindingsPublic(BaseModel):
    id: int
    verdict: str
    findings: list[dict[str, Any]]


# Options of POST /synesthetic-assets/{id}/verify.
class VerifyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    #: Built-in scenario names, or scenario documents (as in scenario files);
    #: None runs every built-in scenario.
    scenarios: list[str | dict[str, Any]] | None = Field(default=None, max_length=32)
    seed: int | None = Field(default=None, ge=0, le=2**32 - 1)

    @classmethod
    def parse_body(cls, raw: bytes) -> VerifyRequest:
        """The options in ``raw`` (an empty body means the defaults).

        Raises:
            InvalidDocument: The body is not a valid options object (422).
        """
        if not raw.strip():
            return cls()
        try:
            return cls.model_validate(orjson.loads(raw))
        except (orjson.JSONDecodeError, ValidationError) as exc:
            raise InvalidDocument(f"invalid verify options: {exc}") from None


# GET /schema/version (``schema_version`` is the seed backend's key).
class SchemaVersionPublic(BaseModel):
    schemaVersion: str
    schema_version: str


# GET /version.
class VersionPublic(SchemaVersionPublic):
    version: str


# GET /ping.
class PingPublic(BaseModel):
    status: str
    message: str
    request_id: str


# GET /.
class RootPublic(BaseModel):
    message: str
    version: str
    schema_version: str
    docs: str
    redoc: str
    openapi: str


# GET and POST /cache.
class CacheStatus(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cache_enabled: bool


# GET /health.
class HealthPublic(BaseModel):
    status: str
    database: str
    schemaVersion: str


# The one error shape.
class ErrorBody(BaseModel):
    code: str
    message: str
    details: Any = None


# The envelope of every error response.
class ErrorPublic(BaseModel):
    error: ErrorBody

"""SQLAlchemy 2.0 tables of the store (kept apart from the harness models).

Vocabulary:
- *asset*: a synesthetic asset document, stored as its compact JSON text
  (``body``) so that a GET returns the stored bytes without re-serialising;
  ``findings`` holds the validation findings (warnings are stored with it),
  ``version`` counts writes and backs the ETag and conditional updates.
- *component*: a shader, tone, haptic, control bundle, modulation set or rule
  bundle, stored the same way; ``kind`` names its document kind.
- *report*: one verification run of an asset (validation plus scenarios).
- *tag*: one ``meta_info.tags`` entry of an asset, for the tag filter.
- *idempotency key*: the first answer of a keyed POST, replayed on a retry.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base of the store's tables."""


class AssetRow(Base):
    """One synesthetic asset."""

    __tablename__ = "synesthetic_assets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(500), index=True)
    verdict: Mapped[str] = mapped_column(String(8), index=True)
    body: Mapped[str] = mapped_column(Text)
    findings: Mapped[str] = mapped_column(Text, default="[]")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    shader_id: Mapped[int | None] = mapped_column(
        ForeignKey("components.id", ondelete="SET NULL"), default=None
    )
    tone_id: Mapped[int | None] = mapped_column(
        ForeignKey("components.id", ondelete="SET NULL"), default=None
    )
    haptic_id: Mapped[int | None] = mapped_column(
        ForeignKey("components.id", ondelete="SET NULL"), default=None
    )
    control_id: Mapped[int | None] = mapped_column(
        ForeignKey("components.id", ondelete="SET NULL"), default=None
    )
    modulation_id: Mapped[int | None] = mapped_column(
        ForeignKey("components.id", ondelete="SET NULL"), default=None
    )
    rule_bundle_id: Mapped[int | None] = mapped_column(
        ForeignKey("components.id", ondelete="SET NULL"), default=None
    )


class AssetTagRow(Base):
    """One tag of one asset."""

    __tablename__ = "asset_tags"

    asset_id: Mapped[int] = mapped_column(
        ForeignKey("synesthetic_assets.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(200), primary_key=True)

    __table_args__ = (Index("ix_asset_tags_tag", "tag"),)


class ComponentRow(Base):
    """One component document (shader, tone, haptic, control bundle, modulation, rule bundle)."""

    __tablename__ = "components"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    name: Mapped[str] = mapped_column(String(500))
    verdict: Mapped[str] = mapped_column(String(8))
    body: Mapped[str] = mapped_column(Text)
    findings: Mapped[str] = mapped_column(Text, default="[]")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReportRow(Base):
    """One verification report of one asset."""

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    asset_id: Mapped[int] = mapped_column(
        ForeignKey("synesthetic_assets.id", ondelete="CASCADE"), index=True
    )
    asset_version: Mapped[int] = mapped_column(Integer)
    verdict: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: The AssetResult (findings, scenario outcomes, score) as JSON.
    result: Mapped[str] = mapped_column(Text)


class VectorSpaceRow(Base):
    """One vector space: a namespace of vectors of one fixed dimension."""

    __tablename__ = "vector_spaces"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    dimension: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class VectorRow(Base):
    """One vector of a space under a key (a patch id, an asset id, ...).

    ``data`` holds the float32 values (little-endian), the source of truth; the
    nearest-neighbour index of each space (sqlite-vec ``vec0`` table or pgvector
    HNSW index, see :mod:`synharness.api.vector_index`) is derived from it.
    """

    __tablename__ = "vectors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    space: Mapped[str] = mapped_column(ForeignKey("vector_spaces.name", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("space", "key", name="uq_vectors_space_key"),)


class ShaderLibRow(Base):
    """One shader library (the seed's ``/shader_libs/``): named reusable GLSL helpers."""

    __tablename__ = "shader_libs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(500), index=True)
    body: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class IdempotencyRow(Base):
    """The first answer of a POST sent with an ``Idempotency-Key`` (see synharness.api.idempotency)."""

    __tablename__ = "idempotency_keys"

    #: Method and path the key was used on (a key names one request per route).
    scope: Mapped[str] = mapped_column(String(300), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    #: SHA-256 of the request body: the same key with another body is refused.
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    #: The answer's Location, ETag and Content-Type, as a JSON object.
    headers: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

"""Settings of the companion store: the one place that reads the environment.

Environment variables (all optional):
- ``DATABASE_URL``: SQLAlchemy URL; default an embedded SQLite file
  ``./synharness.db``. ``postgresql://`` and ``postgres://`` are normalised to
  the psycopg 3 driver (``postgresql+psycopg://``).
- ``SYNHARNESS_API_TOKEN``: when set, every write needs
  ``Authorization: Bearer <token>``; reads stay open.
- ``REDIS_URL``: when set, GET responses are cached in Redis and invalidated on
  every write.
- ``SYNHARNESS_ALLOWED_HOSTS``, ``SYNHARNESS_CORS_ORIGINS``: comma-separated host
  names and browser origins (see :mod:`synharness.api.security`).
- ``SYNHARNESS_REQUIRE_IF_MATCH``: refuse updates without ``If-Match`` (428).
- ``SYNHARNESS_THREADS``, ``SYNHARNESS_POOL_TIMEOUT``: worker threads (and
  connections) and the seconds to wait for a connection before a 503.
- ``SYNHARNESS_MAX_STEPS``, ``SYNHARNESS_MAX_SCENARIOS``: caps of a verification.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

#: The default store: an SQLite file in the working directory.
DEFAULT_DATABASE_URL = "sqlite:///./synharness.db"
#: Bodies above this many bytes are refused with 413 before parsing.
DEFAULT_MAX_BODY_BYTES = 1024 * 1024
#: Seconds a cached GET response lives at most (writes invalidate earlier).
DEFAULT_CACHE_TTL = 300
#: Most simulation steps one scenario of a verification may take. Lower than
#: the CLI's ``--max-steps`` (10 million): a store request holds a worker
#: thread and memory for the whole run; 1 million steps (4.6 h of simulated
#: time at the default 60 Hz) answer within seconds.
DEFAULT_MAX_STEPS = 1_000_000
#: Worker threads of the routes: anyio's default thread-pool size.
DEFAULT_THREADS = 40
#: Seconds to wait for a connection before answering 503: short, so an
#: overloaded store says so quickly instead of holding the client for 30 s.
DEFAULT_POOL_TIMEOUT = 5.0
#: Most scenarios one verification request may name.
DEFAULT_MAX_SCENARIOS = 16


class Settings(BaseSettings):
    """Runtime options of the store, built once at the edge and passed down."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    #: SQLAlchemy database URL.
    database_url: str = Field(
        default=DEFAULT_DATABASE_URL, validation_alias=AliasChoices("DATABASE_URL", "database_url")
    )
    #: Bearer token that writes need; None leaves the store open (loopback only).
    api_token: str | None = Field(
        default=None, validation_alias=AliasChoices("SYNHARNESS_API_TOKEN", "api_token")
    )
    #: Redis URL of the optional response cache.
    redis_url: str | None = Field(
        default=None, validation_alias=AliasChoices("REDIS_URL", "redis_url")
    )
    #: Key prefix of the cache, so that several stores can share one Redis.
    cache_prefix: str = Field(
        default="synharness",
        validation_alias=AliasChoices("SYNHARNESS_CACHE_PREFIX", "cache_prefix"),
    )
    cache_ttl: int = Field(default=DEFAULT_CACHE_TTL, ge=1)
    max_body_bytes: int = Field(default=DEFAULT_MAX_BODY_BYTES, ge=1)
    #: Steps cap per verification scenario (duration / dt), checked before any work: 422.
    max_steps: int = Field(
        default=DEFAULT_MAX_STEPS,
        ge=1,
        validation_alias=AliasChoices("SYNHARNESS_MAX_STEPS", "max_steps"),
    )
    #: Scenarios cap per verification request: 422 beyond it.
    max_scenarios: int = Field(
        default=DEFAULT_MAX_SCENARIOS,
        ge=1,
        validation_alias=AliasChoices("SYNHARNESS_MAX_SCENARIOS", "max_scenarios"),
    )
    #: Refuse PUT, PATCH and DELETE without If-Match (428 Precondition Required).
    require_if_match: bool = Field(
        default=False,
        validation_alias=AliasChoices("SYNHARNESS_REQUIRE_IF_MATCH", "require_if_match"),
    )
    #: Worker threads of the routes (FastAPI's thread pool); the connection pool fits it.
    threads: int = Field(
        default=DEFAULT_THREADS,
        ge=1,
        le=1000,
        validation_alias=AliasChoices("SYNHARNESS_THREADS", "threads"),
    )
    #: Seconds a request waits for a database connection (or SQLite's writer slot)
    #: before it is answered 503 with Retry-After.
    pool_timeout: float = Field(
        default=DEFAULT_POOL_TIMEOUT,
        gt=0,
        le=600,
        validation_alias=AliasChoices("SYNHARNESS_POOL_TIMEOUT", "pool_timeout"),
    )
    #: Host names accepted besides the loopback ones when no token is set (``--allowed-host``).
    allowed_hosts: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(), validation_alias=AliasChoices("SYNHARNESS_ALLOWED_HOSTS", "allowed_hosts")
    )
    #: Origins allowed to call the store from a browser (``--cors-origin``); default none.
    cors_origins: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(), validation_alias=AliasChoices("SYNHARNESS_CORS_ORIGINS", "cors_origins")
    )
    #: PostgreSQL schema to work in (tests use a fresh one per run); None is the default.
    database_schema: str | None = Field(
        default=None, validation_alias=AliasChoices("SYNHARNESS_DB_SCHEMA", "database_schema")
    )

    @field_validator("database_url")
    @classmethod
    def _psycopg3(cls, value: str) -> str:
        # SQLAlchemy's bare postgresql:// means psycopg2, which is not installed.
        for prefix in ("postgresql://", "postgres://"):
            if value.startswith(prefix):
                return "postgresql+psycopg://" + value[len(prefix) :]
        return value

    @field_validator("allowed_hosts", "cors_origins", mode="before")
    @classmethod
    def _comma_list(cls, value: object) -> object:
        # The environment gives "a, b"; the CLI gives a tuple.
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("api_token", "redis_url", "database_schema")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None


def load_settings(**overrides: object) -> Settings:
    """Read the environment, then apply explicit ``overrides`` (CLI options)."""
    base = Settings()
    clean = {k: v for k, v in overrides.items() if v is not None}
    return base.model_copy(update=clean) if clean else base

"""Configuration, from environment variables only, with defaults for the embedded run.

Every setting is `BIEB_<NAME>`; README.md lists them. The embedded default needs
no servers: SQLite for the events and a SQLite-backed Celery broker, both in the
instance folder.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from zoneinfo import ZoneInfo

DEFAULT_TIME_ZONE = "Europe/Amsterdam"  # BIEB_TIME_ZONE unset: the one zone there is


# A source checkout (what `make run` runs): the folder holding pyproject.toml.
CHECKOUT = Path(__file__).resolve().parents[1]


def _instance_dir(env: Mapping[str, str]) -> Path:
    """BIEB_INSTANCE_DIR; else ./instance where one exists; else the checkout's.

    So `.venv/bin/bieb` run from another folder works on the register that
    `make run` made, rather than on a new, empty one beside it.
    """
    if "BIEB_INSTANCE_DIR" in env:
        return Path(env["BIEB_INSTANCE_DIR"]).resolve()
    here = Path("instance").resolve()
    if not here.exists() and (CHECKOUT / "pyproject.toml").exists():
        return CHECKOUT / "instance"
    return here


def _secret_key(env: Mapping[str, str], instance: Path) -> str:
    """The configured key, or one made once and kept in the instance folder."""
    if key := env.get("BIEB_SECRET_KEY"):
        return key
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


@dataclass(frozen=True)
class Config:
    """Settings for every process: API, worker and scheduler read the same ones."""

    instance_dir: Path
    database_url: str
    broker_url: str
    secret_key: str = field(repr=False)
    # The role that migrates and owns the log (README "Database roles"); unset,
    # the one role of database_url does both.
    owner_database_url: str = field(default="", repr=False)
    # Periods, agreement days, estimates, report dates and schedules all use it.
    time_zone: str = DEFAULT_TIME_ZONE
    log_level: str = "INFO"
    log_format: str = "json"
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_security: str = "none"  # none | starttls | tls
    smtp_user: str = ""
    smtp_password: str = field(default="", repr=False)
    mail_from: str = "rapportage@bibliotheek.local"
    # Who the municipality may ask about a report: named in its mail and its
    # Reply-To, e.g. "Team Rapportage <rapportage@bibliotheek.nl>".
    report_contact: str = ""
    # Who is sent each municipality's reports (addresses: kept out of repr):
    # "heemstede=a@x.nl,b@y.nl;bloemendaal=c@z.nl"
    report_recipients: str = field(default="", repr=False)
    bind: str = "127.0.0.1:8000"
    catch_up_seconds: int = 30
    # Longest a web request waits on one statement (0: no limit); workers,
    # reports and migrations are not limited (events/store/engine.py).
    db_timeout_seconds: int = 5
    # When the scheduler compiles and sends the reports, local time: "MM-DD HH:MM".
    half_year_report_at: str = "07-01 07:00"
    annual_report_at: str = "01-02 07:00"
    # Failed sign-ins (bearer tokens, pairing codes) allowed per client address
    # (app/throttle.py), counted where BIEB_RATE_LIMIT_STORAGE says: empty is
    # the broker's Redis when that is redis://, else this process's memory.
    sign_in_limit: str = "10 per minute"
    rate_limit_storage: str = ""
    rate_limit_prefix: str = "bieb"
    # The bearer token a Prometheus scraper sends for /metrics (empty: admins only).
    metrics_token: str = field(default="", repr=False)
    testing: bool = False

    @property
    def migrating_url(self) -> str:
        """The database URL migrations run with: the owner's, else the one role's."""
        return self.owner_database_url or self.database_url

    @property
    def zone(self) -> ZoneInfo:
        """The time zone periods and schedules are reckoned in."""
        return ZoneInfo(self.time_zone)

    def recipients(self, municipality: str) -> list[str]:
        """The report recipients for `municipality`, in order, without repeats."""
        found: list[str] = []
        for entry in self.report_recipients.split(";"):
            if not entry.strip():
                continue
            name, sep, addresses = entry.partition("=")
            if not sep:  # a typo would otherwise send nothing, silently
                raise ValueError(f"BIEB_REPORT_RECIPIENTS: no '=' in {entry!r}")
            if name.strip().lower() != municipality.strip().lower():
                continue
            for address in (a.strip() for a in addresses.split(",")):
                if address and address not in found:
                    found.append(address)
        return found

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Config:
        """Read every `BIEB_*` variable; unset ones take their defaults."""
        env = os.environ if env is None else env
        instance = _instance_dir(env)
        values: dict[str, object] = {
            "instance_dir": instance,
            "database_url": env.get(
                "BIEB_DATABASE_URL", f"sqlite:///{instance / 'bieb.db'}"
            ),
            "broker_url": env.get(
                "BIEB_BROKER_URL", f"sqla+sqlite:///{instance / 'broker.db'}"
            ),
            "secret_key": _secret_key(env, instance),
        }
        for f in fields(cls):
            name = f"BIEB_{f.name.upper()}"
            if f.name in values or name not in env:
                continue
            values[f.name] = _parse(env[name], f.default)
        return cls(**values)


def _parse(raw: str, default: object) -> object:
    if isinstance(default, bool):
        return raw.lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    return raw

"""Settings: plain data, read once from ``KINTRACE_*`` variables and passed down."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every setting kintrace has; each is documented in the README (a test checks it)."""

    model_config = SettingsConfigDict(env_prefix="KINTRACE_", extra="ignore")

    database_url: str = Field(
        default="",
        description="SQLAlchemy URL of the database; empty means a SQLite file in data_dir.",
    )
    data_dir: Path = Field(
        default=Path("kintrace-data"),
        description="Folder for the SQLite file and the attachments store (outside the web root).",
    )
    host: str = Field(default="127.0.0.1", description="Address the web app listens on.")
    port: int = Field(default=8000, description="Port the web app listens on.")
    secret_key: str = Field(
        default="",
        description="Key that binds CSRF tokens and hashes sign-in counters; empty means the "
        "random key kept in <data_dir>/secret_key (made by the first run, mode 0600). Set it "
        "(32+ characters) when several machines serve one database.",
    )
    https: bool = Field(
        default=False,
        description="The app is reached over TLS (a reverse proxy): cookies are Secure and "
        "pages send Strict-Transport-Security.",
    )
    session_idle_minutes: int = Field(
        default=30, ge=1, description="A session unused this long ends (minutes)."
    )
    session_max_hours: int = Field(
        default=12, ge=1, description="A session ends this long after sign-in, used or not (hours)."
    )
    sign_in_lockout_failures: int = Field(
        default=10,
        ge=3,
        description="Wrong passwords in a row that lock an account until an administrator "
        "runs `kintrace user unlock`.",
    )
    require_totp_for_staff: bool = Field(
        default=False,
        description="Administrators, reviewers and the DNA lab must enrol a second factor "
        "(TOTP) before they can do anything else.",
    )
    court_months: int = Field(
        default=6,
        description="Months without information after which a court may declare a person "
        "missing or dead (the jurisdiction's default).",
    )
    authority_reply_days: int = Field(
        default=30, description="Days an authority has to answer a request before it is overdue."
    )
    max_upload_mb: int = Field(default=25, description="Largest attachment accepted, in MiB.")
    public_url: str = Field(
        default="",
        description="The address people reach the web app at (https://kintrace.example.org), "
        "used in the links that e-mails carry; empty means http://<host>:<port>. Never taken "
        "from a request's Host header.",
    )
    smtp_host: str = Field(
        default="",
        description="SMTP server that sends e-mail (confirmation and reset links); empty means "
        "mails are written to <data_dir>/outbox as .eml files instead.",
    )
    smtp_port: int = Field(default=587, ge=1, le=65535, description="Port of the SMTP server.")
    smtp_user: str = Field(default="", description="SMTP user name; empty: no sign-in.")
    smtp_password: str = Field(default="", description="SMTP password (with smtp_user).")
    smtp_from: str = Field(
        default="kintrace@localhost", description="The sender address of kintrace's e-mails."
    )
    smtp_tls: Literal["starttls", "ssl", "none"] = Field(
        default="starttls",
        description="How the SMTP connection is secured: starttls (port 587), ssl (port 465) "
        "or none (a relay on the same machine only).",
    )
    link_engine: Literal["duckdb", "spark"] = Field(
        default="duckdb",
        description="Where record linkage runs: duckdb (embedded, one machine) or spark "
        "(Splink's Spark backend, on spark_master); used by the app's list linking and by "
        "`kintrace link` without --engine.",
    )
    spark_master: str = Field(
        default="local[*]",
        description="The Spark master the spark engine runs on: local[*] (every core of this "
        "machine) or a cluster's URL (spark://host:7077, yarn, k8s://...).",
    )
    spark_driver_memory: str = Field(
        default="4g",
        pattern=r"^[0-9]+[kmgtKMGT]?$",
        description="Memory of the Spark driver the spark engine starts (in local mode all "
        "the memory Spark has), as Spark writes it: 4g, 512m.",
    )

    @property
    def resolved_database_url(self) -> str:
        """Return the database URL, defaulting to ``<data_dir>/kintrace.sqlite3``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'kintrace.sqlite3').as_posix()}"

    @property
    def attachments_dir(self) -> Path:
        """Return the folder where attachments are stored by content hash."""
        return self.data_dir / "attachments"

    @property
    def outbox_dir(self) -> Path:
        """Return the folder e-mails are written to when no SMTP server is set."""
        return self.data_dir / "outbox"

    @property
    def spark_dir(self) -> Path:
        """Return the folder of the Spark engine's scratch, checkpoint and warehouse files."""
        return self.data_dir / "spark"

    @property
    def link_base(self) -> str:
        """Return the address e-mailed links start with (no trailing slash)."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

"""Configuration comes from BIEB_* variables, with working defaults."""

from __future__ import annotations

import pytest

from app.config import Config


def test_defaults_run_embedded_in_the_instance_folder(tmp_path):
    config = Config.from_env({"BIEB_INSTANCE_DIR": str(tmp_path)})
    assert config.database_url == f"sqlite:///{tmp_path}/bieb.db"
    assert config.broker_url == f"sqla+sqlite:///{tmp_path}/broker.db"
    assert config.time_zone == "Europe/Amsterdam"
    assert config.smtp_port == 25
    assert config.testing is False


def test_the_made_secret_key_is_kept_for_the_next_start(tmp_path):
    first = Config.from_env({"BIEB_INSTANCE_DIR": str(tmp_path)}).secret_key
    second = Config.from_env({"BIEB_INSTANCE_DIR": str(tmp_path)}).secret_key
    assert first == second
    assert len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_variables_override_defaults_with_their_types(tmp_path):
    config = Config.from_env(
        {
            "BIEB_INSTANCE_DIR": str(tmp_path),
            "BIEB_DATABASE_URL": "postgresql://db/bieb",
            "BIEB_BROKER_URL": "redis://cache:6379/0",
            "BIEB_SECRET_KEY": "k" * 40,
            "BIEB_SMTP_PORT": "587",
            "BIEB_SMTP_SECURITY": "starttls",
            "BIEB_TESTING": "yes",
        }
    )
    assert config.database_url == "postgresql://db/bieb"
    assert config.broker_url == "redis://cache:6379/0"
    assert config.secret_key == "k" * 40
    assert config.smtp_port == 587
    assert config.smtp_security == "starttls"
    assert config.testing is True
    assert "k" * 40 not in repr(config)
    assert not (tmp_path / "secret_key").exists()


def test_report_recipients_are_read_per_municipality(tmp_path):
    config = Config.from_env(
        {
            "BIEB_INSTANCE_DIR": str(tmp_path),
            "BIEB_REPORT_RECIPIENTS": (
                " heemstede = a@x.nl, ,b@y.nl ;; bloemendaal=c@z.nl;"
                "Heemstede=a@x.nl,d@w.nl"
            ),
        }
    )
    assert config.recipients("heemstede") == ["a@x.nl", "b@y.nl", "d@w.nl"]
    assert config.recipients("Bloemendaal") == ["c@z.nl"]
    assert config.recipients("haarlem") == []
    assert "a@x.nl" not in repr(config)


def test_no_report_recipients_means_nobody_and_a_typo_is_named(tmp_path):
    assert (
        Config.from_env({"BIEB_INSTANCE_DIR": str(tmp_path)}).recipients("heemstede")
        == []
    )
    config = Config.from_env(
        {"BIEB_INSTANCE_DIR": str(tmp_path), "BIEB_REPORT_RECIPIENTS": "heemstede"}
    )
    with pytest.raises(ValueError, match="BIEB_REPORT_RECIPIENTS"):
        config.recipients("heemstede")

"""arctl.yaml `smtp:`: the server e-mails go through, validated with the line of every problem; the password is
never in the file, only the name of the environment variable that holds it."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from arctl.config import SmtpSettings, parse_config
from arctl.errors import ConfigError
from arctl.io.yamlfile import load_located


def settings(tmp_path: Path, smtp: str) -> SmtpSettings | None:
    path = tmp_path / "arctl.yaml"
    path.write_text("company: {name: Voorbeeld, country: BE}\n" + textwrap.dedent(smtp), encoding="utf-8")
    return parse_config(load_located(path), path, tmp_path, profile_kind=lambda name: "invoices").smtp


def problems(tmp_path: Path, smtp: str) -> str:
    with pytest.raises(ConfigError) as error:
        settings(tmp_path, smtp)
    return error.value.message


def test_starttls_on_port_587_is_the_default(tmp_path):
    found = settings(tmp_path, """\
        smtp:
          host: smtp.voorbeeld.example.be
          username: facturen@voorbeeld.example.be
          password_env: ARCTL_SMTP_PASSWORD
        """)
    assert found is not None
    assert (found.host, found.port, found.security, found.password_env) == (
        "smtp.voorbeeld.example.be", 587, "starttls", "ARCTL_SMTP_PASSWORD")


def test_implicit_tls_defaults_to_port_465(tmp_path):
    found = settings(tmp_path, "smtp: {host: smtp.voorbeeld.example.be, security: tls}\n")
    assert found is not None and found.port == 465


def test_a_password_in_the_file_is_refused_with_its_line(tmp_path):
    message = problems(tmp_path, """\
        smtp:
          host: smtp.voorbeeld.example.be
          username: facturen@voorbeeld.example.be
          password: geheim
        """)
    assert "arctl.yaml:5: smtp.password: a password is never written in arctl.yaml" in message
    assert "arctl.yaml:4: smtp.password_env: missing" in message


def test_no_encryption_is_refused_for_a_server_on_another_machine(tmp_path):
    message = problems(tmp_path, """\
        smtp:
          host: smtp.voorbeeld.example.be
          security: none
        """)
    assert "arctl.yaml:4: smtp.security: none (no encryption) is only for a test server on this machine" in message


def test_a_bad_port_and_security_are_named_with_their_lines(tmp_path):
    message = problems(tmp_path, """\
        smtp:
          host: smtp.voorbeeld.example.be
          port: smtp
          security: ssl
        """)
    assert "arctl.yaml:4: smtp.port: expected a port number such as 587, got 'smtp'" in message
    assert "arctl.yaml:5: smtp.security: expected starttls, tls, none, got 'ssl'" in message

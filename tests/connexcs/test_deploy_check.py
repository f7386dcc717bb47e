import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_passes_with_production_values(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "DEBUG": "false",
        "HTTPS": "true",
        "SECRET_KEY": "x7#Qp2!vL9zR4tW8yB1nM6cK3jH5gF0dS-aE_uI*oP(lZ)xC&vB^nM%qW$eR@tY",
        "FIELD_ENCRYPTION_KEYS": "RBML506CZtxKvnpcZRdbO1tTK3leQbpWa943wnBglbY=",
        "PANEL_HOSTS": "panel.example.com",
        "PANEL_URL": "https://panel.example.com",
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres:///connexcs"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_weak_secret_key_fails_the_check(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "DEBUG": "false",
        "SECRET_KEY": "short",
        "FIELD_ENCRYPTION_KEYS": "RBML506CZtxKvnpcZRdbO1tTK3leQbpWa943wnBglbY=",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and "SECRET_KEY" in result.stdout + result.stderr

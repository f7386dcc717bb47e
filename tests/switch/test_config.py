"""The switch's kamailio.cfg is rendered per switch from one template and accepted by Kamailio."""

import subprocess

import pytest
from django.core.management import CommandError, call_command

from routing.switch_config import LOCAL_MODULES, SwitchConfig, async_available, render

API = "http://127.0.0.1:8010/api/v1/route"


def config(**kw):
    return SwitchConfig(api_url=API, token="cxr_example", **kw)


def test_the_rendered_config_passes_kamailios_own_check(tmp_path):
    # Whichever HTTP client this machine has: http_async_client once the build script ran.
    path = tmp_path / "kamailio.cfg"
    path.write_text(render(config(listen=("udp:127.0.0.1:5099",), pid_dir=str(tmp_path))))

    check = subprocess.run(["kamailio", "-c", "-f", str(path)], capture_output=True, text=True, timeout=30)

    assert check.returncode == 0, check.stderr
    assert "config file ok" in check.stdout + check.stderr


def test_per_switch_values_are_rendered():
    text = render(config(listen=("udp:10.0.0.5:5080", "tcp:10.0.0.5:5080"), api_timeout_ms=750, name="lon-1"))

    assert "listen=udp:10.0.0.5:5080\nlisten=tcp:10.0.0.5:5080\n" in text
    assert f'#!define ROUTING_API "{API}"' in text and '#!define ROUTING_TOKEN "cxr_example"' in text
    assert "$http_req(timeout) = 750;" in text
    assert f"{LOCAL_MODULES}/" in text.split("mpath=")[1].splitlines()[0]
    assert 'modparam("dialog", "send_bye", 1)' in text


def test_async_and_sync_http_clients():
    asynchronous = render(config(async_http=True))
    synchronous = render(config(async_http=False, api_timeout_ms=1500))

    assert 'loadmodule "http_async_client.so"' in asynchronous
    assert "http_client_query(ROUTING_API" not in asynchronous  # CDRs use http_client; routing not
    assert 'loadmodule "http_client.so"' in synchronous and "http_async_query" not in synchronous
    # Without query_result=0 http_client returns only the first line of the answer.
    assert 'modparam("http_client", "query_result", 0)' in synchronous
    assert 'modparam("http_client", "connection_timeout", 2)' in synchronous


def test_the_default_client_follows_what_is_installed(tmp_path):
    assert config(mpath=(str(tmp_path),)).uses_async() is False
    (tmp_path / "http_async_client.so").write_bytes(b"")
    assert config(mpath=(str(tmp_path),)).uses_async() is True
    assert config().uses_async() is async_available()


@pytest.mark.parametrize("field", ["token", "api_url", "realm"])
def test_a_value_that_would_break_the_file_is_refused(field):
    values = {"api_url": API, "token": "cxr_example", field: 'x"\nloadmodule "evil.so"'}

    with pytest.raises(ValueError, match=field):
        SwitchConfig(**values)


def test_the_command_writes_the_file_and_says_which_client(tmp_path, capsys):
    out = tmp_path / "kamailio.cfg"

    call_command("render_kamailio_cfg", "--api-url", API, "--token", "cxr_t", "--sync", "-o", str(out))

    assert 'loadmodule "http_client.so"' in out.read_text()
    assert "http_client (synchronous)" in capsys.readouterr().err


def test_the_command_names_a_bad_value():
    with pytest.raises(CommandError, match="token"):
        call_command("render_kamailio_cfg", "--api-url", API, "--token", 'a"b')


@pytest.mark.django_db
def test_new_token_creates_one_live_token_per_name(tmp_path):
    from routing.models import ApiToken
    from routing.services import hash_token

    out = tmp_path / "kamailio.cfg"
    for _ in range(2):
        call_command("render_kamailio_cfg", "--api-url", API, "--new-token", "local switch", "-o", str(out))

    secret = out.read_text().split('#!define ROUTING_TOKEN "')[1].split('"')[0]
    live = ApiToken.objects.filter(name="local switch", revoked_at__isnull=True)
    assert [t.token_hash for t in live] == [hash_token(secret)]
    assert ApiToken.objects.filter(name="local switch").count() == 2


def test_cdrs_go_to_the_cdr_api_with_a_spool_and_retry():
    text = render(config(cdr_retry_s=2))
    cdr_api = config().api_url.rsplit("/", 1)[0] + "/cdr"
    assert f'#!define CDR_API "{cdr_api}"' in text
    assert "event_route[dialog:end]" in text and "event_route[dialog:failed]" in text
    assert 'modparam("rtimer", "timer", "name=cdr;interval=2;mode=1;")' in text
    # The spool is a SQLite file (it survives a restart), in /var/lib/kamailio unless told otherwise.
    assert 'modparam("sqlops", "sqlcon", "cdrspool=>sqlite:///var/lib/kamailio/cdr_spool.sqlite")' in text
    assert "INSERT INTO cdr_spool" in text and "htable" not in text
    spool = 'cdrspool=>sqlite:///srv/spool.sqlite")'
    assert spool in render(config(cdr_spool="/srv/spool.sqlite"))
    assert '#!define CDR_API "http://panel/cdr"' in render(config(cdr_url="http://panel/cdr"))

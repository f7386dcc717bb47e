"""manage.py render_kamailio_cfg: writes one switch's kamailio.cfg from the repository's template."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from routing.models import ApiToken
from routing.services import api_token_create, api_token_revoke
from routing.switch_config import SwitchConfig, render


class Command(BaseCommand):
    help = "Render deploy/kamailio/kamailio.cfg.tmpl for one switch (to stdout or --output)."

    def add_arguments(self, parser):
        parser.add_argument("--api-url", required=True, help="e.g. http://127.0.0.1:8010/api/v1/route")
        token = parser.add_mutually_exclusive_group(required=True)
        token.add_argument("--token", help="An API token (Management > Routing > API Tokens).")
        token.add_argument(
            "--new-token",
            metavar="NAME",
            help="Create an API token of this name for the switch (revoking earlier live ones of that name).",
        )
        parser.add_argument(
            "--listen",
            action="append",
            help="proto:address:port, repeatable (default udp and tcp on 0.0.0.0:5060).",
        )
        parser.add_argument("--name", default="switch")
        parser.add_argument("--realm", default="", help="Digest realm (default: the SIP_REALM setting).")
        parser.add_argument("--api-timeout-ms", type=int, default=500)
        parser.add_argument("--children", type=int, default=8)
        parser.add_argument("--http-workers", type=int, default=4)
        parser.add_argument("--pid-dir", default="", help="Kamailio rundir (default /run/kamailio).")
        http = parser.add_mutually_exclusive_group()
        http.add_argument("--async", dest="async_http", action="store_const", const=True, default=None)
        http.add_argument("--sync", dest="async_http", action="store_const", const=False)
        parser.add_argument("--output", "-o", help="File to write (default: stdout).")

    def handle(self, *args, **options):
        token = options["token"] or self.new_token(options["new_token"])
        try:
            config = SwitchConfig(
                api_url=options["api_url"],
                token=token,
                listen=tuple(options["listen"] or ("udp:0.0.0.0:5060", "tcp:0.0.0.0:5060")),
                name=options["name"],
                realm=options["realm"],
                async_http=options["async_http"],
                api_timeout_ms=options["api_timeout_ms"],
                children=options["children"],
                http_workers=options["http_workers"],
                pid_dir=options["pid_dir"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        text = render(config)
        if options["output"]:
            Path(options["output"]).write_text(text)
            client = "http_async_client" if config.uses_async() else "http_client (synchronous)"
            self.stderr.write(f"Wrote {options['output']} using {client}.")
        else:
            self.stdout.write(text, ending="")

    def new_token(self, name: str) -> str:
        # A local switch is re-rendered on every start; one live token per name is enough.
        for old in ApiToken.objects.filter(name=name, revoked_at__isnull=True):
            api_token_revoke(actor=None, instance=old)
        try:
            return api_token_create(actor=None, name=name)[1]
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc

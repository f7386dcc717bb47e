#!/bin/sh
# A local switch for development (the optional switch of `make run`): Kamailio on 127.0.0.1 in front
# of the routing API, with the configuration the panel renders (routing/switch_config.py) and a
# fresh API token named "local switch". Needs Debian's kamailio and kamailio-extra-modules; uses
# http_async_client when scripts/build_http_async_client.sh has installed it, else http_client.
# Usage: scripts/run_switch.sh [API_URL]   (default: the Procfile's api process)
set -eu
cd "$(dirname "$0")/.."
API=${1:-http://127.0.0.1:${API_PORT:-8001}/api/v1/route}
PORT=${SIP_PORT:-5060}
DIR=${SWITCH_DIR:-/tmp/connexcs-switch}
mkdir -p "$DIR"
.venv/bin/python manage.py render_kamailio_cfg --api-url "$API" --new-token "local switch" \
	--listen "udp:127.0.0.1:$PORT" --listen "tcp:127.0.0.1:$PORT" --children 2 --http-workers 2 \
	--pid-dir "$DIR" --name "local switch" -o "$DIR/kamailio.cfg"
exec kamailio -DD -E -f "$DIR/kamailio.cfg"

# connexcs switch installer for Debian 12. The panel serves this file with the server's own values
# set above this line (CX_PANEL_URL, CX_SERVER, CX_HEARTBEAT_TOKEN, CX_HEARTBEAT_SECONDS,
# CX_KAMAILIO_CFG as base64); run it as root on the machine:  curl -fsSL <install URL> | sudo sh
#
# CX_ROOT=<dir>            lay the files out under <dir> instead of /
# CX_INSTALL_PACKAGES=no   skip apt-get (kamailio, rtpengine, curl)
# CX_START_SERVICES=no     do not touch systemd (enable the timer, restart kamailio and rtpengine)
set -eu

ROOT="${CX_ROOT:-}"
: "${CX_PANEL_URL:?}" "${CX_SERVER:?}" "${CX_HEARTBEAT_TOKEN:?}" "${CX_KAMAILIO_CFG:?}"
CX_HEARTBEAT_SECONDS="${CX_HEARTBEAT_SECONDS:-60}"

if [ "${CX_INSTALL_PACKAGES:-yes}" = yes ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # kamailio-sqlite-modules: the CDR spool is a SQLite file, so CDRs survive a restart of the switch.
  apt-get install -y -qq kamailio kamailio-extra-modules kamailio-utils-modules kamailio-sqlite-modules \
    rtpengine curl
fi

install -d -m 755 "$ROOT/etc/kamailio" "$ROOT/usr/local/sbin" "$ROOT/etc/systemd/system"
install -d -m 700 "$ROOT/etc/connexcs" "$ROOT/var/lib/connexcs"
# The CDR spool's folder (kamailio.cfg's cdr_spool): written by the kamailio user.
install -d -m 750 "$ROOT/var/lib/kamailio"
if id kamailio >/dev/null 2>&1; then chown kamailio:kamailio "$ROOT/var/lib/kamailio"; fi

printf '%s' "$CX_KAMAILIO_CFG" | base64 -d > "$ROOT/etc/kamailio/kamailio.cfg.new"
mv "$ROOT/etc/kamailio/kamailio.cfg.new" "$ROOT/etc/kamailio/kamailio.cfg"
chmod 640 "$ROOT/etc/kamailio/kamailio.cfg"

# The heartbeat's token is readable by root only.
umask 077
cat > "$ROOT/etc/connexcs/heartbeat.env" <<ENV
CX_PANEL_URL='$CX_PANEL_URL'
CX_SERVER='$CX_SERVER'
CX_HEARTBEAT_TOKEN='$CX_HEARTBEAT_TOKEN'
CX_STATE_DIR='$ROOT/var/lib/connexcs'
ENV
umask 022

cat > "$ROOT/usr/local/sbin/connexcs-heartbeat" <<'HEARTBEAT'
#!/bin/sh
# Reports this switch's version, channels in use, calls per second and health to the panel.
set -eu
. "${CX_HEARTBEAT_ENV:-/etc/connexcs/heartbeat.env}"

clean() { tr -cd 'A-Za-z0-9 ._:()/+-' | cut -c1-100; }
number() { v=$(tr -cd '0-9' | cut -c1-9); echo "${v:-0}"; }

version=$( (kamailio -v 2>/dev/null || true) | head -n1 | sed 's/^version: //' | clean)
health=down
if kamcmd core.uptime >/dev/null 2>&1; then health=ok; fi
channels=$( (kamcmd dlg.stats_active 2>/dev/null || true) | awk '/all/ {print $2; exit}' | number)
dialogs=$( (kamcmd stats.get_statistics dialog:processed_dialogs 2>/dev/null || true) | awk -F= '{print $2; exit}' | number)
now=$(date +%s)
cps=0
state="$CX_STATE_DIR/heartbeat.last"
if [ -r "$state" ]; then
  read -r last_time last_dialogs < "$state" || true
  elapsed=$((now - ${last_time:-now}))
  if [ "$elapsed" -gt 0 ] && [ "$dialogs" -ge "${last_dialogs:-0}" ]; then
    cps=$(( (dialogs - ${last_dialogs:-0}) / elapsed ))
  fi
fi
echo "$now $dialogs" > "$state"

printf '{"version":"%s","channels":%s,"cps":%s,"health":"%s"}' "$version" "$channels" "$cps" "$health" |
  curl -fsS --max-time 15 -X POST \
    -H "Authorization: Bearer $CX_HEARTBEAT_TOKEN" -H "Content-Type: application/json" \
    --data-binary @- "$CX_PANEL_URL/api/v1/servers/heartbeat" >/dev/null
HEARTBEAT
chmod 755 "$ROOT/usr/local/sbin/connexcs-heartbeat"

cat > "$ROOT/etc/systemd/system/connexcs-heartbeat.service" <<'UNIT'
[Unit]
Description=Report this switch to the connexcs panel
After=network-online.target kamailio.service
Wants=network-online.target

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/connexcs-heartbeat
UNIT

cat > "$ROOT/etc/systemd/system/connexcs-heartbeat.timer" <<UNIT
[Unit]
Description=Report this switch to the connexcs panel every ${CX_HEARTBEAT_SECONDS} s

[Timer]
OnBootSec=20
OnUnitActiveSec=${CX_HEARTBEAT_SECONDS}
AccuracySec=5

[Install]
WantedBy=timers.target
UNIT

if [ "${CX_START_SERVICES:-yes}" = yes ]; then
  systemctl daemon-reload
  systemctl enable --now rtpengine-daemon.service 2>/dev/null || systemctl enable --now rtpengine.service || true
  systemctl enable kamailio.service
  systemctl restart kamailio.service
  systemctl enable --now connexcs-heartbeat.timer
  /usr/local/sbin/connexcs-heartbeat || true
fi
echo "connexcs switch $CX_SERVER installed."

# The collector's tests need PostgreSQL, a Mosquitto broker and Chromium (for the dashboard's Playwright test).
# PostgreSQL and Mosquitto run as throwaway instances on 127.0.0.1, in a temp dir, stopped when run.sh exits.
# Exports EDGETOKEN_POSTGRES (an Npgsql connection string to a superuser) and EDGETOKEN_MQTT (host:port).
apt_install postgresql mosquitto chromium || true

collector_free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 30000))
    (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return 0; }
  done
  return 1
}

collector_start_postgres() {
  local bin dir port as=()
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  [[ -x "$bin/initdb" ]] || { echo "collector: PostgreSQL not installed; its tests will be reported as skipped"; return 1; }
  dir="$(mktemp -d /tmp/edgetoken-pg.XXXXXX)"
  # PostgreSQL refuses to run as root: run it as the postgres user the Debian package creates.
  if [[ $(id -u) -eq 0 ]]; then chown postgres "$dir"; as=(runuser -u postgres --); fi
  port="$(collector_free_port)" || return 1
  "${as[@]}" "$bin/initdb" -D "$dir/data" -U edgetoken -A trust --no-sync >/dev/null || return 1
  "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=300" start >/dev/null || { cat "$dir/log"; return 1; }
  cleanup+=("${as[*]} $bin/pg_ctl -D $dir/data -m immediate stop >/dev/null; rm -rf $dir")
  export EDGETOKEN_POSTGRES="Host=127.0.0.1;Port=$port;Username=edgetoken;Database=postgres"
  echo "collector: PostgreSQL on 127.0.0.1:$port"
}

collector_start_mosquitto() {
  local dir port pid
  command -v mosquitto >/dev/null 2>&1 || [[ -x /usr/sbin/mosquitto ]] || { echo "collector: mosquitto not installed; its tests will be reported as skipped"; return 1; }
  dir="$(mktemp -d /tmp/edgetoken-mqtt.XXXXXX)"
  port="$(collector_free_port)" || return 1
  printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 100000\n' "$port" >"$dir/mosquitto.conf"
  if [[ $(id -u) -eq 0 ]]; then printf 'user root\n' >>"$dir/mosquitto.conf"; fi
  "$(command -v mosquitto || echo /usr/sbin/mosquitto)" -c "$dir/mosquitto.conf" >"$dir/log" 2>&1 &
  pid=$!
  cleanup+=("kill $pid; rm -rf $dir")
  for _ in $(seq 1 50); do (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
  export EDGETOKEN_MQTT="127.0.0.1:$port"
  echo "collector: Mosquitto on 127.0.0.1:$port"
}

collector_start_postgres || true
collector_start_mosquitto || true
if [[ -x /usr/bin/chromium ]]; then
  export EDGETOKEN_CHROMIUM=/usr/bin/chromium
else
  echo "collector: chromium not installed; the dashboard's browser test will be reported as skipped"
fi

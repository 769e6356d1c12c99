# MQTT broker for the agent's MQTT uplink tests (and the collector's, which use the same variable):
# Mosquitto on 127.0.0.1 at a free port, exported as EDGETOKEN_MQTT=127.0.0.1:PORT.
# Starts nothing when EDGETOKEN_MQTT is already set (another setup script or the caller provides a broker).
if [[ -z "${EDGETOKEN_MQTT:-}" ]]; then
  if command -v mosquitto >/dev/null 2>&1 || [[ -x /usr/sbin/mosquitto ]] || apt_install mosquitto; then
    mqtt_dir="$(mktemp -d)"
    mqtt_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
    printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$mqtt_port" > "$mqtt_dir/mosquitto.conf"
    /usr/sbin/mosquitto -c "$mqtt_dir/mosquitto.conf" >"$mqtt_dir/mosquitto.log" 2>&1 &
    mqtt_pid=$!
    cleanup+=("kill $mqtt_pid; rm -rf $mqtt_dir")
    for _ in $(seq 50); do (echo >"/dev/tcp/127.0.0.1/$mqtt_port") 2>/dev/null && break; sleep 0.1; done
    export EDGETOKEN_MQTT="127.0.0.1:$mqtt_port"
    echo "mosquitto: $EDGETOKEN_MQTT"
  else
    echo "mosquitto: NOT AVAILABLE (MQTT tests will be reported as skipped)"
  fi
fi

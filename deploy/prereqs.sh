#!/usr/bin/env bash
# What Analogue Watch needs from the machine, beyond Python: Java 17+ and Maven for the local
# Kafka broker; Chromium, Prometheus, kcat and openssl for the tests. Installs the missing ones from Debian's
# packages when it can (root with apt-get), otherwise says how.
#   deploy/prereqs.sh run    Java and Maven
#   deploy/prereqs.sh test   Java, Maven, Chromium, Prometheus, kcat and openssl
set -euo pipefail
want=${1:-run}

missing=()
java_major=$(java -XshowSettings:properties -version 2>&1 |
  sed -n 's/ *java.specification.version = //p' || true)
if [ -z "$java_major" ] || [ "${java_major%%.*}" -lt 17 ] 2>/dev/null; then
  missing+=(openjdk-17-jdk-headless)
fi
command -v mvn >/dev/null || missing+=(maven)
python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)  # Debian's python3
# The dossier PDF's font, with Cyrillic and Greek (services/alert_board/dossier.py).
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
if [ "$want" = test ]; then
  command -v chromium >/dev/null || missing+=(chromium)     # the alert board's browser test
  command -v promtool >/dev/null || missing+=(prometheus)   # rule tests, dashboards e2e test
  [ -x /usr/bin/prometheus-alertmanager ] || missing+=(prometheus-alertmanager)  # notifications
  command -v kcat >/dev/null || missing+=(kcat)             # interoperability with librdkafka
  command -v openssl >/dev/null || missing+=(openssl)       # the TLS listener's test certificates
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "prereqs: installing ${missing[*]} from Debian's packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
else
  echo "prereqs: missing ${missing[*]}. Install them, e.g.:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

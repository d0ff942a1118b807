#!/bin/sh
# Example of a script test using the namespace held by the `nixtray-harness up` fixture
# (tests/harness/CMakeLists.txt): source the env file it wrote, then talk to systemd and the Nix store.
set -eu
. "$1"
state=$(nsenter -t "$NIXTRAY_HARNESS_PID" -a /bin/systemctl is-system-running || true)
echo "system state: $state"
[ "$state" = running ] || [ "$state" = degraded ]
# The system bus from the host, through /proc/<pid>/root.
DBUS_SYSTEM_BUS_ADDRESS="$NIXTRAY_HARNESS_BUS" busctl --system --no-pager call org.freedesktop.systemd1 \
  /org/freedesktop/systemd1 org.freedesktop.DBus.Properties Get ss org.freedesktop.systemd1.Manager Version
# The relocated Nix store (NIX_* exported): an empty system profile to start with.
nix-store --version
test -d "$NIX_STORE_DIR"
echo "fixture example ok"

#!/bin/sh
# PID 1 of the harness's private namespaces (started by SystemdNamespace through
# `unshare --pid --fork --kill-child --mount --mount-proc --uts --ipc --cgroup`).
# It makes the namespace hermetic, then execs systemd, or NIXTRAY_HARNESS_INIT (a NixOS-like generation's init)
# which is expected to exec systemd itself with the arguments it is given.
#
# Why each step: a systemd that can see the host's unit directories, /dev, /run or cgroup superblock damages
# the host (empties /tmp, remounts /sys/fs/cgroup read-only, writes /var/log/journal). See README.md, "Safety".
# `mount -n` everywhere keeps libmount away from the host's /run/mount/utab.
#
# Parameters (environment): NIXTRAY_HARNESS_WORK (host directory with units/ and dbus/),
# NIXTRAY_HARNESS_TARGET, NIXTRAY_HARNESS_HOSTNAME, NIXTRAY_HARNESS_INIT (optional).
set -eu
work="$NIXTRAY_HARNESS_WORK"
priv=/run/nixtray-harness

# Nothing mounted from here on may propagate to the host.
mount -n --make-rprivate /

# Own /run: systemd, dbus, journald and the generation's booted-system/current-system links live here.
mount -n -t tmpfs -o mode=755,nosuid,nodev,size=64m tmpfs /run

# A NEW tmpfs on /sys/fs/cgroup (its own superblock: systemd remounts it read-only when done), with a named
# v1 hierarchy for systemd and cgroup2 (hybrid layout). The cgroup namespace roots both at the per-run cgroups
# the harness created on the host.
mount -n -t tmpfs -o mode=755,nosuid,nodev,noexec,size=1m tmpfs /sys/fs/cgroup
mkdir /sys/fs/cgroup/systemd /sys/fs/cgroup/unified
mount -n -t cgroup -o none,name=systemd,nosuid,nodev,noexec cgroup /sys/fs/cgroup/systemd
mount -n -t cgroup2 -o nosuid,nodev,noexec cgroup2 /sys/fs/cgroup/unified

# systemd tunes sysctls at boot: they would change the host kernel.
mount -n --bind /proc/sys /proc/sys
mount -n -o remount,bind,ro /proc/sys

# Private /dev: harmless nodes only (no /dev/kmsg, no disks); /dev/log, /dev/fd... are created here.
mount -n -t tmpfs -o mode=755,nosuid,size=1m tmpfs /dev
mknod -m 666 /dev/null c 1 3
mknod -m 666 /dev/zero c 1 5
mknod -m 666 /dev/full c 1 7
mknod -m 666 /dev/random c 1 8
mknod -m 666 /dev/urandom c 1 9
mknod -m 666 /dev/tty c 5 0
mkdir /dev/pts /dev/shm
mount -n -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts /dev/pts
ln -s pts/ptmx /dev/ptmx
mount -n -t tmpfs -o mode=1777,nosuid,nodev,size=16m tmpfs /dev/shm
# No console: systemd opens /dev/console only if it is a terminal, and a terminal nobody reads would block it.
# PID 1's messages go to the journal when journald is enabled; the init's stderr goes to launcher.log.
touch /dev/console
mount -n --bind /dev/null /dev/console

# journald must never write to the host's persistent journal (Storage=auto would use /var/log/journal).
# With NIXTRAY_HARNESS_JOURNAL_DIR (a directory of the test) that directory is /var/log/journal inside and the
# journal is persistent: it survives the namespace, as a distro's journal survives its restarts. Where the
# host has no /var/log/journal to mount over, a tmpfs over /var/log (inside only) provides the mount point.
storage=volatile
if [ -n "${NIXTRAY_HARNESS_JOURNAL_DIR:-}" ]; then
  if [ ! -d /var/log/journal ]; then
    mount -n -t tmpfs -o mode=755,size=1m tmpfs /var/log
    mkdir /var/log/journal
  fi
  mount -n --bind "$NIXTRAY_HARNESS_JOURNAL_DIR" /var/log/journal
  storage=persistent
elif [ -d /var/log/journal ]; then
  mount -n -t tmpfs -o mode=755,size=1m tmpfs /var/log/journal
fi
unset NIXTRAY_HARNESS_JOURNAL_DIR
mkdir -p /run/systemd/journald.conf.d
printf '[Journal]\nStorage=%s\nSystemMaxUse=16M\nSystemMaxFileSize=2M\nForwardToConsole=no\nForwardToKMsg=no\nForwardToWall=no\n' \
  "$storage" > /run/systemd/journald.conf.d/nixtray-harness.conf

# Only our units, no generators: the private unit directory is the whole unit search path.
mkdir -p "$priv/units" "$priv/no-generators" "$priv/dbus"
cp -R "$work/units/." "$priv/units/"
cp -R "$work/dbus/." "$priv/dbus/"

hostname "$NIXTRAY_HARNESS_HOSTNAME" 2>/dev/null || true

export container=nixtray-harness
export SYSTEMD_UNIT_PATH="$priv/units"
export SYSTEMD_GENERATOR_PATH="$priv/no-generators"
export SYSTEMD_ENVIRONMENT_GENERATOR_PATH="$priv/no-generators"
export NIXTRAY_HARNESS_TARGET
unset NIXTRAY_HARNESS_WORK NIXTRAY_HARNESS_HOSTNAME

set -- --system "systemd.unit=$NIXTRAY_HARNESS_TARGET" systemd.show_status=0 systemd.log_color=0
if [ -n "${NIXTRAY_HARNESS_INIT:-}" ]; then
  init="$NIXTRAY_HARNESS_INIT"
  unset NIXTRAY_HARNESS_INIT
  exec "$init" "$@"
fi
exec /lib/systemd/systemd "$@"

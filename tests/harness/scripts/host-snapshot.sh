#!/bin/bash
# Host state that a namespaced systemd must never change. Run before and after harness tests, then diff:
#   tests/harness/scripts/host-snapshot.sh > before.txt; ctest -L integration; ...snapshot... > after.txt
#   diff before.txt after.txt
# Expected differences: files other programs put in /tmp and cgroups of unrelated processes. A harness run
# must leave no nixtray-harness-<pid> cgroup, no mount, no /dev entry, nothing in /var/log/journal.
echo "== /tmp"; ls -la /tmp
echo "== cgroup mounts"; findmnt -R /sys/fs/cgroup
echo "== /dev entries"; ls /dev | wc -l
echo "== /var/log/journal"; ls -la /var/log/journal 2>&1
echo "== harness cgroups"; find /sys/fs/cgroup -mindepth 1 -type d -name 'nixtray-harness-*' 2>/dev/null | sort
echo "== top-level cgroups"; find /sys/fs/cgroup -mindepth 2 -maxdepth 2 -type d 2>/dev/null | sort
echo "== /run/mount/utab"; cat /run/mount/utab 2>&1
echo "== mounts"; findmnt -rn -o TARGET,FSTYPE,OPTIONS | sort
echo "== processes"; ps -eo comm | grep -E 'systemd|unshare|dbus|journald' | sort | uniq -c

#!/bin/sh
# A stand-in for wsl.exe (a test stand-in, not WSL), after its documented behaviour, for the tests
# of the WSL control and of "Install NixOS" on Linux (tests/windows/standin is the Windows one):
# - its own messages in UTF-16LE with CRLF; `--list --running --quiet` prints nothing when nothing
#   runs; an unknown distro is refused with a message on stdout; names compare without case;
# - `--import NAME FOLDER FILE --version 2` unpacks FILE (a tarball, as a .wsl is) into
#   FOLDER/rootfs (real WSL makes FOLDER/ext4.vhdx) and registers NAME; a taken name, a missing
#   file or a broken archive is refused;
# - `-d NAME [-u USER] --exec|-e|-- ARGV...` starts NAME and runs ARGV without a shell; inside an
#   imported distro an absolute program path is looked up under its rootfs (the program gets the
#   rootfs as NIXTRAY_WSL_STANDIN_ROOT), so a missing program fails as it would in the distro.
#   Real WSL runs `--` ARGV through the user's login shell and `--exec` ARGV without one; this
#   stand-in has no login shell, so it writes down which way it was asked (`runs`, below).
# - `--export NAME FILE` writes the distro's files as a tarball (WSL's default format) and
#   `--unregister NAME` forgets a distro and deletes its files (real WSL deletes its ext4.vhdx);
#   a distro made of the host's own files (ROOT "-") cannot be exported or unregistered here.
# State in $NIXTRAY_WSL_STANDIN_DIR: `distros` (NAME<TAB>ROOT per line, ROOT "-" for the host's own
# files; Debian and NixOS when absent), `running/NAME`, `runs`: one line per -d command,
# `USER WAY PROGRAM` (USER "-" when not given, WAY `--exec`, `-e` or `--`), and `calls`: every
# command line it was given, one per line (arguments joined by spaces).
set -u
state=${NIXTRAY_WSL_STANDIN_DIR:?the stand-in needs its state directory}
mkdir -p "$state/running"
echo "$*" >>"$state/calls"
[ -f "$state/distros" ] || printf 'Debian\t-\nNixOS\t-\n' >"$state/distros"

say() { printf '%s\r\n' "$1" | iconv -f UTF-8 -t UTF-16LE; }
# root_of NAME: the distro's ROOT, its name as registered on the second line; fails when unknown.
root_of() {
  awk -F '\t' -v n="$1" 'tolower($1) == tolower(n) { print $2; print $1; found = 1; exit } END { exit !found }' \
    "$state/distros"
}

case "${1:-}" in
  --list|-l)
    if [ "${2:-}" = --running ]; then
      for f in "$state"/running/*; do [ -e "$f" ] && say "$(basename "$f")"; done
    else
      cut -f1 "$state/distros" | while read -r name; do say "$name"; done
      say ""
    fi ;;
  --terminate|-t)
    info=$(root_of "${2:-}") || { say "There is no distribution with the supplied name."; exit 1; }
    rm -f "$state/running/$(echo "$info" | sed -n 2p)"
    say "The operation completed successfully." ;;
  --shutdown)
    rm -f "$state"/running/* ;;
  --export)
    [ $# -ge 3 ] || { say "Invalid command line argument: --export"; exit 1; }
    info=$(root_of "$2") || { say "There is no distribution with the supplied name."; exit 1; }
    root=$(echo "$info" | sed -n 1p)
    [ "$root" != - ] || { say "The stand-in cannot export a distro made of the host's files."; exit 1; }
    say "Export in progress, this may take a few minutes."
    tar -cf "$3" -C "$root" . 2>/dev/null || { say "The system cannot find the path specified."; exit 1; }
    say "The operation completed successfully." ;;
  --unregister)
    info=$(root_of "${2:-}") || { say "There is no distribution with the supplied name."; exit 1; }
    root=$(echo "$info" | sed -n 1p) name=$(echo "$info" | sed -n 2p)
    [ "$root" != - ] || { say "The stand-in cannot unregister a distro made of the host's files."; exit 1; }
    say "Unregistering."
    rm -rf "$root" "$state/running/$name"
    awk -F '\t' -v n="$name" '$1 != n' "$state/distros" >"$state/distros.new" && mv "$state/distros.new" "$state/distros"
    say "The operation completed successfully." ;;
  --import)
    [ $# -ge 4 ] || { say "Invalid command line argument: --import"; exit 1; }
    name=$2 folder=$3 file=$4
    root_of "$name" >/dev/null && { say "A distribution with the supplied name already exists."; exit 1; }
    [ -f "$file" ] || { say "The system cannot find the file specified."; exit 1; }
    say "Import in progress, this may take a few minutes."
    mkdir -p "$folder/rootfs" && tar -xf "$file" -C "$folder/rootfs" 2>/dev/null || {
      rm -rf "$folder/rootfs"
      say "The imported file is not a valid tar archive."
      exit 1
    }
    printf '%s\t%s\n' "$name" "$folder/rootfs" >>"$state/distros"
    say "The operation completed successfully." ;;
  -d|--distribution)
    info=$(root_of "${2:-}") || { say "There is no distribution with the supplied name."; exit 1; }
    root=$(echo "$info" | sed -n 1p)
    touch "$state/running/$(echo "$info" | sed -n 2p)"
    shift 2
    user=-
    [ "${1:-}" = -u ] && { user=$2; shift 2; }
    printf '%s %s %s\n' "$user" "$1" "${2:-}" >>"$state/runs"
    shift  # --exec, -e or --
    asked=$1 program=$1
    shift
    if [ "$root" != - ]; then
      case "$program" in /*) program=$root$program ;; esac
      [ -x "$program" ] || { echo "execvpe($asked) failed: No such file or directory" >&2; exit 1; }
      export NIXTRAY_WSL_STANDIN_ROOT="$root"
    fi
    exec "$program" "$@" ;;
  *) say "Invalid command line argument: ${1:-}"; exit 1 ;;
esac

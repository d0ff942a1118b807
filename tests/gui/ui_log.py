#!/usr/bin/env python3
"""Assertions on what nixtray showed, for the GUI scenario scripts.

  ui_log.py wait FILE SECONDS KEY=VALUE...     waits for a line of nixtray's --ui-log whose fields
                                               match (VALUE: exact; KEY~=TEXT: contains TEXT); prints it
  ui_log.py notify FILE SECONDS TEXT...        waits for a Notify call in dbus-monitor's output whose
                                               app name, summary or body together contain every TEXT;
                                               prints it as JSON
  ui_log.py field JSON KEY                     prints one field of a JSON object (for shell scripts)

Timeouts are multiplied by NIXTRAY_TEST_TIMEOUT_FACTOR. Exit 1 with the last lines on timeout.
"""
import json
import os
import re
import sys
import time

factor = float(os.environ.get("NIXTRAY_TEST_TIMEOUT_FACTOR", "1") or 1)


def matches(entry, conditions):
    for condition in conditions:
        if "~=" in condition:
            key, text = condition.split("~=", 1)
            value = entry.get(key)
            haystack = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
            if value is None or text not in haystack:
                return False
        else:
            key, text = condition.split("=", 1)
            value = entry.get(key)
            if isinstance(value, bool):
                value = "true" if value else "false"
            if str(value) != text:
                return False
    return True


def read_ui_log(path):
    entries = []
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if line:
                    entries.append(json.loads(line))
    except FileNotFoundError:
        pass
    return entries


def parse_notifications(path):
    """dbus-monitor prints a Notify call as: method call ... member=Notify, then its arguments:
    string app_name, uint32 replaces_id, string app_icon, string summary, string body,
    array [ actions ], array [ hints ], int32 timeout."""
    try:
        text = open(path, encoding="utf-8", errors="replace").read()
    except FileNotFoundError:
        return []
    calls = []
    for block in re.split(r"\n(?=method call )", text):
        if "member=Notify" not in block.split("\n", 1)[0]:
            continue
        strings = re.findall(r'^\s+string "((?:[^"\\]|\\.)*)"', block, re.M)
        if len(strings) < 4:
            continue
        actions_part = block.split("array [", 1)[1].split("]", 1)[0] if "array [" in block else ""
        calls.append({"app": strings[0], "icon": strings[1], "summary": strings[2], "body": strings[3],
                      "actions": re.findall(r'string "((?:[^"\\]|\\.)*)"', actions_part)})
    return calls


def main():
    command = sys.argv[1]
    if command == "field":
        value = json.loads(sys.argv[2]).get(sys.argv[3])
        print(value if not isinstance(value, (dict, list)) else json.dumps(value, ensure_ascii=False))
        return 0
    path, seconds = sys.argv[2], float(sys.argv[3]) * factor
    wanted = sys.argv[4:]
    deadline = time.monotonic() + seconds
    while True:
        if command == "wait":
            found = [e for e in read_ui_log(path) if matches(e, wanted)]
        elif command == "notify":
            found = [n for n in parse_notifications(path)
                     if all(t in n["app"] + "\n" + n["summary"] + "\n" + n["body"] for t in wanted)]
        else:
            print("unknown command " + command, file=sys.stderr)
            return 2
        if found:
            print(json.dumps(found[0], ensure_ascii=False))
            return 0
        if time.monotonic() > deadline:
            break
        time.sleep(0.1)
    print(f"timed out after {seconds:.0f} s waiting in {path} for: {' '.join(wanted)}", file=sys.stderr)
    if command == "wait":
        for entry in read_ui_log(path)[-15:]:
            print("  " + json.dumps(entry, ensure_ascii=False), file=sys.stderr)
    else:
        for n in parse_notifications(path)[-5:]:
            print("  " + json.dumps(n, ensure_ascii=False), file=sys.stderr)
    return 1


sys.exit(main())

#!/usr/bin/env python3
"""Independent conformance test of the nixtray wire protocol, version 2.

Written from docs/protocol.md (and the golden messages in tests/data/protocol/, which the document
makes part of the contract) ONLY: no knowledge of the C++ sources went into it.  Where this script
tests something, the comment next to the check names the section of the document it comes from.

Standard library only.  Usage:

    protocol_conformance.py --agent /path/to/nixtray-agent [--timeout-factor F]

Prints one line per check (PASS/FAIL name: detail) and a summary; exits 0 only if every check passed.
"""

import argparse
import hashlib
import hmac
import json
import math
import os
import re
import select
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
GOLDEN_DIR = os.path.join(REPO, "tests", "data", "protocol")
DOC_PATH = os.path.join(REPO, "docs", "protocol.md")

# =================================================================================================
# The protocol, as docs/protocol.md states it.  Everything the checks know about shapes is here.
#
# Field notation (mirrors the document's tables):
#   "name": "Type"     member always present (§1: "Every field documented ... is always present")
#   "name?": "Type"    member may be omitted (only where the document says so)
#   "Type?"            nullable ("null? yes" in §8)
#   "Type[]"           array of Type
#   primitives: int (signed 32-bit), int64, unixtime (int64), bytes (int64), string, bool, any
#   enum names (ENUMS) travel as strings; type names (TYPES) are JSON objects.
# =================================================================================================

INT32 = (-2**31, 2**31 - 1)
INT64 = (-2**63, 2**63 - 1)

PROTOCOL_VERSION = 2
LINE_LIMIT = 1_048_576            # §2 size limit, bytes, without the "\n"; a "\r" before it counts
HANDSHAKE_LINE_LIMIT = 16_384     # §2, §4: the limit until the handshake is over
MAX_IN_FLIGHT = 64                # §4: requests of one connection answered at a time
AGENT_LABEL = b"nixtray agent"    # §3.2 the labels of the two proofs
CLIENT_LABEL = b"nixtray client"
NESTING_LIMIT = 64                # §2 nesting limit; the top-level object is level 1

# §9 Enums.
ENUMS = {
    "SystemState": ["unknown", "initializing", "starting", "running", "degraded", "maintenance",
                    "stopping", "offline"],
    "ActivationState": ["unknown", "ok", "errors"],
    "UnitActiveState": ["unknown", "active", "reloading", "inactive", "failed", "activating",
                        "deactivating", "maintenance"],
    "PackageChangeKind": ["added", "removed", "changed", "resized", "unknown"],
    "CheckStatus": ["unknown", "ok", "warn", "fail"],
    "PreflightVerdict": ["unknown", "pass", "warn", "refuse"],
    "JobKind": ["unknown", "rebuild", "rollback", "gc"],
    "RebuildMode": ["unknown", "switch", "boot", "test", "build", "dry-build", "dry-activate"],
    "JobState": ["running", "succeeded", "failed", "cancelled", "interrupted", "unknown"],
    "JobPhase": ["preparing", "updating", "building", "checking", "registering", "activating", "restoring",
                 "deleting", "collecting", "previewing", "done", "unknown"],
    "FailureKind": ["evaluation", "build", "check", "activation", "disk-space", "cancelled",
                    "internal", "unknown"],
    "VerificationState": ["unknown", "unverified", "verifying", "verified", "failed"],
    "VerifyOutcome": ["started", "passed", "failed"],
    "ProbationState": ["unknown", "running", "passed", "voided"],
    "RootKind": ["link", "gcroot", "profile", "process", "unknown"],
}

# §6 and §8 types.  Names the document does not give (inline result objects) are ours and marked.
TYPES = {
    # §6.1
    "HelloResult": {"protocol": "int", "agent": "string", "authorized": "bool",
                    "methods": "string[]", "nonce?": "string", "proof?": "string"},
    # §6.16
    "AuthResult": {"authorized": "bool"},
    # §8 Status
    "Status": {"system_state": "SystemState", "failed_units": "Unit[]", "systemd_jobs": "int",
               "generations": "GenerationTriple", "restart_pending": "bool", "boot_pending": "bool",
               "nixos_version": "string?", "activation": "ActivationReport",
               "running_job": "string?", "hostname": "string", "agent": "StatusAgent",
               "verification": "Verification", "default_user": "DefaultUser?"},
    "StatusAgent": {"version": "string", "started": "unixtime"},          # (our name) Status.agent
    "GenerationTriple": {"default": "int?", "current": "int?", "booted": "int?",
                         "known_good": "int?"},
    "ActivationReport": {"state": "ActivationState", "lines": "string[]"},
    # §8 Verification, VerificationRecord, Probation, BootEvidence, DefaultUser
    "Verification": {"state": "VerificationState", "generation": "int?", "store_path": "string?",
                     "since": "unixtime?", "reason": "string?", "step": "string?",
                     "probation": "Probation?"},
    "VerificationRecord": {"state": "VerificationState", "generation": "int?",
                           "store_path": "string?", "since": "unixtime?", "reason": "string?",
                           "step": "string?", "probation": "Probation?", "started": "unixtime?",
                           "evidence": "BootEvidence?"},
    "Probation": {"state": "ProbationState", "started": "unixtime", "until": "unixtime",
                  "ended": "unixtime?", "reason": "string?"},
    "BootEvidence": {"collected": "unixtime", "boot_started": "unixtime?",
                     "boot_ended": "unixtime?", "errors": "JournalLine[]", "errors_omitted": "int",
                     "failed_units": "FailedUnitEvidence[]", "note": "string?"},
    "FailedUnitEvidence": {"unit": "string", "result": "string", "lines": "JournalLine[]"},
    "DefaultUser": {"name": "string", "uid": "int?", "shell": "string?", "session_unit": "string?"},
    "FlakeUpdate": {"lock_file": "string", "inputs": "InputChange[]"},
    "InputChange": {"name": "string", "source": "string", "from": "LockedInput?", "to": "LockedInput?"},
    "LockedInput": {"revision": "string", "date": "unixtime?"},
    "DryActivation": {"stop": "string[]", "not_stopped": "string[]", "reload": "string[]",
                      "restart": "string[]", "start": "string[]", "restart_systemd": "bool",
                      "other": "string[]"},
    "Unit": {"name": "string", "description": "string", "load_state": "string",
             "active_state": "UnitActiveState", "sub_state": "string", "result": "string",
             "since": "unixtime?"},
    "JournalLine": {"time": "unixtime", "priority": "int", "message": "string"},
    "Generation": {"number": "int", "path": "string", "created": "unixtime",
                   "nixos_version": "string?", "configuration_revision": "string?",
                   "closure_size": "bytes?", "default": "bool", "current": "bool",
                   "booted": "bool", "known_good": "bool", "problem": "string?"},
    "GenerationsDiff": {"from": "int", "to": "int?", "to_path?": "string",
                        "changes": "PackageChange[]", "from_closure_size": "bytes",
                        "to_closure_size": "bytes"},
    "PackageChange": {"name": "string", "kind": "PackageChangeKind", "from": "string[]",
                      "to": "string[]", "size_delta": "bytes"},
    "PreflightResult": {"number": "int", "verdict": "PreflightVerdict",
                        "checks": "PreflightCheck[]"},
    "PreflightCheck": {"name": "string", "status": "CheckStatus", "message": "string"},
    # JobStartParams as a Job's `args`: absent/null members are omitted; see sem_job_args.
    "JobStartParams": {"kind": "JobKind", "mode?": "RebuildMode", "flake?": "string",
                       "upgrade?": "bool", "update?": "bool", "system?": "string", "to?": "int", "keep?": "int",
                       "older_than_days?": "int"},
    "Job": {"id": "string", "kind": "JobKind", "state": "JobState", "args": "JobStartParams",
            "unit": "string", "started": "unixtime", "finished": "unixtime?",
            "exit_code": "int?", "summary": "string?", "failure": "JobFailure?",
            "progress": "JobProgress", "started_by": "JobStarter", "generation_before": "int?",
            "generation_after": "int?", "result_path": "string?", "log_lines": "int64",
            "dry_activation": "DryActivation?",
            "freed_bytes?": "bytes", "update?": "FlakeUpdate", "lock_written?": "string"},
    "JobProgress": {"phase": "JobPhase", "builds_done": "int", "builds_expected": "int",
                    "builds_running": "int", "builds_failed": "int", "downloads_done": "int",
                    "downloads_expected": "int", "current": "string?"},
    "JobFailure": {"kind": "FailureKind", "message": "string", "location": "string?",
                   "derivation": "string?", "phase": "string?", "units": "string[]",
                   "log_tail": "string[]"},
    "JobStarter": {"uid": "int?", "name": "string?"},
    "LogChunk": {"from": "int64", "lines": "string[]", "next": "int64", "complete": "bool",
                 "text?": "string",   # §6.12's raw form only
                 "bytes?": "int64"},  # §6.12's bytes form only (its octets follow the line)
    "UnitsChanged": {"changed": "Unit[]", "removed": "string[]"},
    # §6.16 / §8 SpaceReport and its parts.
    "SpaceReport": {"store_dir": "string", "free_bytes": "bytes", "total_bytes": "bytes",
                    "store_bytes": "bytes", "store_paths": "int", "garbage_bytes": "bytes",
                    "garbage_paths": "int", "usage": "StoreUsage", "generations": "GenerationSpace[]",
                    "cleanup": "CleanupOption[]", "roots": "RootGroup[]", "computed": "unixtime"},
    "StoreUsage": {"system": "bytes", "roots": "bytes", "old_generations": "bytes",
                   "garbage": "bytes", "other": "bytes"},
    "GenerationSpace": {"number": "int", "frees_bytes": "bytes", "frees_paths": "int",
                        "kept": "bool"},
    "CleanupOption": {"keep": "int", "deletes": "int[]", "frees_bytes": "bytes",
                      "frees_paths": "int"},
    "RootGroup": {"kind": "RootKind", "location": "string", "link_count": "int",
                  "links": "RootLink[]", "keeps_bytes": "bytes", "keeps_paths": "int"},
    "RootLink": {"link": "string", "target": "string"},
    # Results given inline in §6 (our names).
    "UnitsListResult": {"units": "Unit[]"},
    "UnitsLogResult": {"unit": "string", "lines": "JournalLine[]"},
    "GenerationsList": {"generations": "Generation[]"},
    "MarkGoodResult": {"known_good": "int"},
    "JobStartResult": {"id": "string"},
    "JobsList": {"jobs": "Job[]"},
    "TopicsResult": {"topics": "string[]"},
    # §2 envelope parts, §8 Event / Error object, §5 error data.
    "EventParams": {"topic": "string", "data": "any"},
    "ErrorObject": {"code": "int", "message": "string", "data?": "any"},
    "BusyData": {"job": "string?", "external?": "string"},
    "DiskSpaceData": {"free_bytes": "bytes", "required_bytes": "bytes"},
    "TooManyRequestsData": {"limit": "int"},                                # (our name) §5 -32006
    "ProtocolData": {"protocol": "int"},                                    # (our name) §5 -32600
}


class P:
    """One request param (§6 params tables)."""

    def __init__(self, type_, required=False, range_=None, nonempty=False, values=None,
                 applies=None):
        self.type, self.required, self.range = type_, required, range_
        self.nonempty, self.values, self.applies = nonempty, values, applies


# §6 method table: name -> (mutating, params, result type).
METHODS = {
    "hello": (False, {"protocol": P("int", True, (1, 1_000_000)),
                      "client": P("string", True),
                      "nonce": P("string")}, "HelloResult"),
    "auth": (False, {"proof": P("string", True)}, "AuthResult"),
    "status": (False, {}, "Status"),
    "units.list": (False, {"failed_only": P("bool")}, "UnitsListResult"),
    "units.log": (False, {"unit": P("string", True, nonempty=True),
                          "lines": P("int", False, (1, 1000))}, "UnitsLogResult"),
    "generations.list": (False, {}, "GenerationsList"),
    # Exactly one of `to` and `to_path` (checked in validate_params).
    "generations.diff": (False, {"from": P("int", True, (1, 1_000_000_000)),
                                 "to": P("int", False, (1, 1_000_000_000)),
                                 "to_path": P("string", False, nonempty=True)}, "GenerationsDiff"),
    "generations.mark_good": (True, {"number": P("int", True, (1, 1_000_000_000))},
                              "MarkGoodResult"),
    "verify.preflight": (False, {"number": P("int", False, (1, 1_000_000_000))},
                         "PreflightResult"),
    "verify.record": (True, {"generation": P("int", True, (1, 1_000_000_000)),
                             "store_path": P("string", False, nonempty=True),
                             "outcome": P("string", True, values=["started", "passed", "failed"]),
                             "reason": P("string"), "step": P("string")}, "VerificationRecord"),
    "verify.get": (False, {"generation": P("int", False, (1, 1_000_000_000))},
                   "VerificationRecord"),
    "jobs.start": (True, {
        "kind": P("string", True, values=["rebuild", "rollback", "gc"]),
        "mode": P("string", applies=("rebuild", "rollback"),
                  values={"rebuild": ["switch", "boot", "test", "build", "dry-build",
                                      "dry-activate"],
                          "rollback": ["switch", "boot"]}),
        "flake": P("string", applies=("rebuild",), nonempty=True),   # also: not starting with "-"
        "upgrade": P("bool", applies=("rebuild",)),
        "update": P("bool", applies=("rebuild",)),
        "system": P("string", applies=("rebuild",), nonempty=True),
        "to": P("int", applies=("rollback",), range_=(1, 1_000_000_000)),
        "keep": P("int", applies=("gc",), range_=(1, 1_000_000)),
        "older_than_days": P("int", applies=("gc",), range_=(0, 100_000)),
    }, "JobStartResult"),
    "jobs.list": (False, {"limit": P("int", False, (1, 1000))}, "JobsList"),
    "jobs.get": (False, {"id": P("string", True, nonempty=True)}, "Job"),
    "jobs.log": (False, {"id": P("string", True), "from": P("int64", False, (0, None)),
                         "limit": P("int", False, (1, 10_000)),
                         "format": P("string", values=["lines", "raw", "bytes"])}, "LogChunk"),
    "jobs.cancel": (True, {"id": P("string", True, nonempty=True)}, "Job"),
    "subscribe": (False, {"topics": P("topic[]", True)}, "TopicsResult"),
    "unsubscribe": (False, {"topics": P("topic[]", True)}, "TopicsResult"),
    "space": (False, {"refresh": P("bool")}, "SpaceReport"),
}
MUTATING = sorted(m for m, (mut, _, _) in METHODS.items() if mut)
CONFIDENTIAL = ["jobs.log", "units.log"]         # §3.4: logs, for authorized peers only

# §7 topics -> data type.  "log:" stands for "log:<job id>" (any non-empty text after "log:").
TOPICS = {"status": "Status", "units": "UnitsChanged", "generations": "GenerationsList",
          "jobs": "Job", "space": "SpaceReport", "log:": "LogChunk"}

# §5 error codes, by the name used in the golden file names (§11, `error.<code name>`).
ERROR_CODES = {"parse_error": -32700, "invalid_request": -32600, "method_not_found": -32601,
               "invalid_params": -32602, "internal_error": -32603, "unauthorized": -32001,
               "busy": -32002, "not_found": -32003, "message_too_large": -32004,
               "refused": -32005, "too_many_requests": -32006}
CLIENT_LOCAL_CODES = range(-32099, -32089)      # §5: never sent by an agent

# §4 table: lines the agent treats as HTTP (case-sensitive prefixes), and "Host:" in any case.
HTTP_PREFIXES = ["GET ", "POST ", "PUT ", "HEAD ", "DELETE ", "OPTIONS ", "PATCH ", "CONNECT ",
                 "TRACE ", "PRI * HTTP/"]


# =================================================================================================
# Validation against the tables above.
# =================================================================================================

def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


PRIMITIVES = {
    "int": lambda v: is_int(v) and INT32[0] <= v <= INT32[1],
    "int64": lambda v: is_int(v) and INT64[0] <= v <= INT64[1],
    "unixtime": lambda v: is_int(v) and INT64[0] <= v <= INT64[1],
    "bytes": lambda v: is_int(v) and INT64[0] <= v <= INT64[1],
    "string": lambda v: isinstance(v, str),
    "bool": lambda v: isinstance(v, bool),
    "any": lambda v: True,
}


def byte_sorted(strings):
    return sorted(strings, key=lambda s: s.encode("utf-8"))


def valid_topic(t):
    return isinstance(t, str) and (t in TOPICS and t != "log:" or (t.startswith("log:")
                                                                      and len(t) > 4))


def topic_type(t):
    return TOPICS["log:"] if t.startswith("log:") else TOPICS.get(t)


class Report:
    """Problems (violations) and extras (undocumented members: allowed by §10, only noted)."""

    def __init__(self):
        self.problems = []
        self.extras = []

    def add(self, path, text):
        self.problems.append(f"{path}: {text}")


def validate(value, spec, path, rep):
    nullable = spec.endswith("?")
    if nullable:
        spec = spec[:-1]
    if value is None:
        if not nullable:
            rep.add(path, "is null, but the field is not nullable")
        return
    if spec.endswith("[]"):
        if not isinstance(value, list):
            rep.add(path, f"expected an array, got {json.dumps(value)[:60]}")
            return
        for i, item in enumerate(value):
            validate(item, spec[:-2], f"{path}[{i}]", rep)
        return
    before = len(rep.problems)
    if spec in PRIMITIVES:
        if not PRIMITIVES[spec](value):
            rep.add(path, f"expected {spec}, got {json.dumps(value)[:60]}")
    elif spec in ENUMS:
        if not isinstance(value, str):
            rep.add(path, f"expected a {spec} string, got {json.dumps(value)[:60]}")
        elif value not in ENUMS[spec]:
            rep.add(path, f"{value!r} is not a documented {spec} value")
    elif spec in TYPES:
        if not isinstance(value, dict):
            rep.add(path, f"expected a {spec} object, got {json.dumps(value)[:60]}")
            return
        fields = TYPES[spec]
        names = set()
        for key, fspec in fields.items():
            optional = key.endswith("?")
            name = key.rstrip("?")
            names.add(name)
            if name not in value:
                if not optional:
                    rep.add(path, f"member {name!r} ({spec}) is missing")
                continue
            validate(value[name], fspec, f"{path}.{name}", rep)
        for name in value:
            if name not in names:
                rep.extras.append(f"{path}.{name} (not in {spec})")
    else:
        raise KeyError(f"schema error: unknown type {spec}")
    if len(rep.problems) == before and spec in SEMANTICS:
        SEMANTICS[spec](value, path, rep)


# Rules the tables state in words.
def sem_hello(v, path, rep):
    # §6.1: answered in the client's version when the agent speaks it (1 or 2), else 2.
    if v["protocol"] not in (1, PROTOCOL_VERSION):
        rep.add(path + ".protocol", f"the agent speaks protocols 1 and 2, got {v['protocol']}")
    m = v["methods"]
    if m[:2] != ["hello", "auth"]:
        rep.add(path + ".methods", "must start with \"hello\", \"auth\"")
    elif m[2:] != byte_sorted(m[2:]):
        rep.add(path + ".methods", "methods after \"hello\" and \"auth\" are not sorted by name")
    if len(set(m)) != len(m):
        rep.add(path + ".methods", "duplicates")
    for name in m:
        if name not in METHODS:
            rep.add(path + ".methods", f"{name!r} is not a protocol-2 method")
    # §3.2: nonce and proof come together (TCP), 64 lowercase hex each.
    if ("nonce" in v) != ("proof" in v):
        rep.add(path, "nonce and proof come together (§6.1)")
    for k in ("nonce", "proof"):
        if k in v and not re.fullmatch(r"[0-9a-f]{64}", v[k]):
            rep.add(path + "." + k, "must be 64 lowercase hex characters")
    if "nonce" in v and v["authorized"]:
        rep.add(path + ".authorized", "false over TCP until auth (§6.1)")


def sem_status(v, path, rep):
    for i, u in enumerate(v["failed_units"]):
        if u["active_state"] != "failed":
            rep.add(f"{path}.failed_units[{i}]", "active_state is not \"failed\"")
    if v["systemd_jobs"] < 0:
        rep.add(path + ".systemd_jobs", "negative count")
    g = v["generations"]
    exp = g["current"] is not None and g["booted"] is not None and g["current"] != g["booted"]
    if v["restart_pending"] != exp:
        rep.add(path + ".restart_pending", f"is {v['restart_pending']} but current={g['current']}"
                f" booted={g['booted']} (§8: current != booted; false when one is unknown)")
    exp = g["default"] is not None and g["current"] is not None and g["default"] != g["current"]
    if v["boot_pending"] != exp:
        rep.add(path + ".boot_pending", f"is {v['boot_pending']} but default={g['default']}"
                f" current={g['current']} (§8: default != current; false when one is unknown)")


def sem_generations_list(v, path, rep):
    nums = [g["number"] for g in v["generations"]]
    if any(a <= b for a, b in zip(nums, nums[1:])):
        rep.add(path, f"not newest (highest number) first: {nums}")
    if any(n < 1 for n in nums):
        rep.add(path, f"generation numbers below 1: {nums}")
    for flag in ("default", "current", "booted", "known_good"):
        marked = [g["number"] for g in v["generations"] if g[flag]]
        if len(marked) > 1:
            rep.add(path, f"more than one generation is {flag}: {marked}")


def sem_units_list(v, path, rep):
    names = [u["name"] for u in v["units"]]
    if names != sorted(names) and names != byte_sorted(names):
        rep.add(path, "units not sorted by name")


def sem_journal_line(v, path, rep):
    if not 0 <= v["priority"] <= 7:
        rep.add(path + ".priority", "not a syslog priority 0..7")


def sem_diff(v, path, rep):
    if (v["to"] is None) == ("to_path" not in v):
        rep.add(path, "`to` is null exactly when `to_path` was asked for (and is then given)")
    names = [c["name"] for c in v["changes"]]
    if names != sorted(names) and names != byte_sorted(names):
        rep.add(path + ".changes", "not sorted by name")
    for i, c in enumerate(v["changes"]):
        if c["kind"] == "added" and c["from"]:
            rep.add(f"{path}.changes[{i}]", "added, but `from` is not empty")
        if c["kind"] == "removed" and c["to"]:
            rep.add(f"{path}.changes[{i}]", "removed, but `to` is not empty")


def sem_log_chunk(v, path, rep):
    if v["from"] < 0:
        rep.add(path + ".from", "negative")
    if "text" in v:  # the raw form: byte offsets (§6.12)
        if v["lines"] or v["next"] != v["from"] + len(v["text"].encode()):
            rep.add(path + ".next", f"raw form: {v['next']} != from + bytes of text, or lines not empty")
        return
    if v["next"] != v["from"] + len(v["lines"]):
        rep.add(path + ".next", f"{v['next']} != from + len(lines) = "
                f"{v['from'] + len(v['lines'])}")
    for i, line in enumerate(v["lines"]):
        if "\n" in line:
            rep.add(f"{path}.lines[{i}]", "contains a newline")


def sem_job_args(a, path, rep):
    kind = a["kind"]
    applies = {"mode": ("rebuild", "rollback"), "flake": ("rebuild",), "upgrade": ("rebuild",), "update": ("rebuild",),
               "system": ("rebuild",),
               "to": ("rollback",), "keep": ("gc",), "older_than_days": ("gc",)}
    for member, kinds in applies.items():
        if member in a and kind not in kinds:
            rep.add(path, f"{member!r} is present for a {kind} job")
    if kind in ("rebuild", "rollback") and "mode" not in a:
        rep.add(path, "`mode` must be filled in for rebuild and rollback (§8 JobStartParams)")
    if kind == "rollback" and a.get("mode") not in (None, "switch", "boot"):
        rep.add(path + ".mode", "a rollback takes switch or boot only")
    if kind == "gc" and "keep" not in a and "older_than_days" not in a:
        rep.add(path, "gc needs keep, older_than_days or both")


def sem_job(v, path, rep):
    if not re.fullmatch(r"[0-9]+", v["id"]):
        rep.add(path + ".id", "not a decimal job id")
    if v["unit"] != f"nixtray-job-{v['id']}.service":
        rep.add(path + ".unit", f"expected nixtray-job-{v['id']}.service")
    if v["args"]["kind"] != v["kind"]:
        rep.add(path + ".args.kind", "differs from kind")
    if v["state"] == "running":
        for f in ("finished", "exit_code", "generation_after"):
            if v[f] is not None:
                rep.add(f"{path}.{f}", "must be null while running")
    if v["state"] != "failed":
        for f in ("summary", "failure"):
            if v[f] is not None:
                rep.add(f"{path}.{f}", "must be null unless state is failed")
    if v["state"] in ("cancelled", "interrupted") and v["exit_code"] is not None:
        rep.add(path + ".exit_code", "must be null for a cancelled/interrupted job")
    if v["state"] == "succeeded" and v["progress"]["phase"] != "done":
        rep.add(path + ".progress.phase", "must be done on success")
    if v["failure"] is not None and v["failure"]["kind"] == "cancelled":
        rep.add(path + ".failure.kind", "protocol-1 agents report cancel with state cancelled")
    if v["log_lines"] < 0:
        rep.add(path + ".log_lines", "negative")
    if v["dry_activation"] is not None and v["args"].get("mode") != "dry-activate":
        rep.add(path + ".dry_activation", "only a dry-activate job has one (§8 Job)")
    if "update" in v and not v["args"].get("update"):
        rep.add(path + ".update", "only a rebuild with update has one (§8 Job)")
    if "lock_written" in v and v["args"].get("mode") not in ("switch", "boot"):
        rep.add(path + ".lock_written", "only a switch or boot writes the lock (§6.9 step 0)")


def sem_verification(v, path, rep):
    if v["state"] in ("unverified", "verifying", "verified", "failed"):
        for f in ("generation", "store_path", "since"):
            if v[f] is None:
                rep.add(f"{path}.{f}", f"null although the state is {v['state']} (§8 Verification)")
    if v["probation"] is not None and v["state"] not in ("verified", "failed"):
        rep.add(path + ".probation", "only a verified (or then failed) generation has one")


def sem_topics(v, path, rep):
    t = v["topics"]
    if t != byte_sorted(t):
        rep.add(path + ".topics", f"not sorted in byte order: {t}")
    if len(set(t)) != len(t):
        rep.add(path + ".topics", "duplicates")
    for x in t:
        if not valid_topic(x):
            rep.add(path + ".topics", f"{x!r} is not a topic")


def sem_error_object(v, path, rep):
    code = v["code"]
    if code in CLIENT_LOCAL_CODES:
        rep.add(path + ".code", f"{code} is a client-local code, never sent on the wire")
    elif code not in ERROR_CODES.values():
        rep.add(path + ".code", f"{code} is not a documented code")
    if code == -32002:
        if "data" not in v:
            rep.add(path, "busy (-32002) carries data {\"job\": ...} (§5)")
            return
        d = v["data"]
        sub = Report()
        validate(d, "BusyData", path + ".data", sub)
        rep.problems += sub.problems
        if not sub.problems and d["job"] is None and not isinstance(d.get("external"), str):
            rep.add(path + ".data", "`external` required when `job` is null")
    elif code == -32005:
        if "data" in v:
            sub = Report()
            validate(v["data"], "DiskSpaceData", path + ".data", sub)
            rep.problems += sub.problems
    elif code == -32006:
        sub = Report()
        validate(v.get("data"), "TooManyRequestsData", path + ".data", sub)
        rep.problems += sub.problems
    elif code == -32600 and "data" in v:
        sub = Report()      # only the refusal of a protocol-1 hello over TCP carries data (§5)
        validate(v["data"], "ProtocolData", path + ".data", sub)
        rep.problems += sub.problems
    elif "data" in v:
        rep.add(path + ".data", f"code {code} has no data (§5: data omitted when there is none)")


def sem_space(v, path, rep):
    u = v["usage"]
    if sum(u[k] for k in ("system", "roots", "old_generations", "garbage", "other")) != v["store_bytes"]:
        rep.add(path + ".usage", "the parts do not add up to store_bytes (§8 StoreUsage)")
    if u["garbage"] != v["garbage_bytes"]:
        rep.add(path + ".usage.garbage", "is not garbage_bytes")
    nums = [g["number"] for g in v["generations"]]
    if any(a <= b for a, b in zip(nums, nums[1:])):
        rep.add(path + ".generations", "not newest first")
    keeps = [c["keep"] for c in v["cleanup"]]
    if keeps != list(range(1, len(keeps) + 1)) or len(keeps) > 50:
        rep.add(path + ".cleanup", f"keep must run 1, 2, ... (at most 50), got {keeps}")
    for i, c in enumerate(v["cleanup"]):
        if c["frees_bytes"] < v["garbage_bytes"]:
            rep.add(f"{path}.cleanup[{i}]", "frees less than the garbage")
    if len(v["roots"]) > 100:
        rep.add(path + ".roots", "more than 100 groups")
    for i, g in enumerate(v["roots"]):
        if len(g["links"]) > min(20, g["link_count"]):
            rep.add(f"{path}.roots[{i}].links", "more than 20 or than link_count")


SEMANTICS = {
    "HelloResult": sem_hello, "Status": sem_status, "GenerationsList": sem_generations_list,
    "UnitsListResult": sem_units_list, "JournalLine": sem_journal_line,
    "GenerationsDiff": sem_diff, "LogChunk": sem_log_chunk, "JobStartParams": sem_job_args,
    "Job": sem_job, "TopicsResult": sem_topics, "ErrorObject": sem_error_object,
    "Verification": sem_verification, "VerificationRecord": sem_verification,
    "SpaceReport": sem_space,
}


def validate_params(method, params, rep, strict):
    """A request's params against §6 (used for the golden and the document's example requests)."""
    _, table, _ = METHODS[method]
    if not isinstance(params, dict):
        rep.add("params", "must be an object")
        return
    kind = params.get("kind") if method == "jobs.start" else None
    for name, p in table.items():
        v = params.get(name)
        if v is None:
            if p.required:
                rep.add(f"params.{name}", "required")
            continue
        if p.applies and kind not in p.applies:
            rep.add(f"params.{name}", f"does not apply to a {kind} job")
            continue
        if p.type == "topic[]":
            if not isinstance(v, list) or not all(valid_topic(t) for t in v):
                rep.add(f"params.{name}", f"not a list of topics: {v}")
            continue
        if not PRIMITIVES[p.type](v):
            rep.add(f"params.{name}", f"expected {p.type}, got {json.dumps(v)}")
            continue
        if p.range:
            lo, hi = p.range
            if (lo is not None and v < lo) or (hi is not None and v > hi):
                rep.add(f"params.{name}", f"{v} out of range {p.range}")
        if p.nonempty and v == "":
            rep.add(f"params.{name}", "must not be empty")
        if p.values:
            allowed = p.values.get(kind, []) if isinstance(p.values, dict) else p.values
            if v not in allowed:
                rep.add(f"params.{name}", f"{v!r} not one of {allowed}")
    if method == "generations.diff":
        if (params.get("to") is None) == (params.get("to_path") is None):
            rep.add("params", "generations.diff takes exactly one of to and to_path")
        elif isinstance(params.get("to_path"), str) and not params["to_path"].startswith("/"):
            rep.add("params.to_path", "must be an absolute store path")
    if method == "jobs.start":
        if isinstance(params.get("flake"), str) and params["flake"].startswith("-"):
            rep.add("params.flake", "must not start with -")
        if kind == "gc" and params.get("keep") is None and params.get("older_than_days") is None:
            rep.add("params", "gc takes keep, older_than_days or both")
        if params.get("mode") == "dry-activate" and params.get("system") is None:
            rep.add("params", "mode dry-activate needs system (§6.9)")
    if strict:
        for name in params:
            if name not in table:
                rep.extras.append(f"params.{name} (not a documented param of {method})")


def validate_error_response(msg, rep, path="$"):
    validate(msg.get("error"), "ErrorObject", path + ".error", rep)


# =================================================================================================
# Check runner.
# =================================================================================================

class Fail(Exception):
    pass


def ensure(cond, text):
    if not cond:
        raise Fail(text)


RESULTS = []          # (name, ok, detail)
NOTES = []
_print_lock = threading.Lock()


def record(name, ok, detail):
    RESULTS.append((name, ok, detail))
    with _print_lock:
        print(f"{'PASS' if ok else 'FAIL'} {name}: {detail}", flush=True)


# One CTest test per part of the document (--section), so a failure names its part. A check
# belongs to the section of its name's first component; hello/result runs in every section that
# talks to the agent (it learns the method list the others use), and the last check, over all the
# agent's output, too.
SECTIONS = {
    "document": ("golden", "doc"),                                       # §11, the examples
    "framing": ("framing", "envelope", "id", "utf8", "size", "depth",   # §2, §3
                "close", "output"),
    "session": ("files", "hello", "first", "deadline", "output"),       # §4
    "methods": ("methods", "status", "generations.list", "generations", # §6, §7
                "mark_good", "verify.record", "subscribe", "unsubscribe", "events", "output"),
    "access": ("auth", "tcp", "concurrency", "bridge", "output"),        # §4.3, §5, security
}
ALWAYS = ("hello/result",)
SECTION = None        # None: every check


def selected(name):
    if SECTION is None or name in ALWAYS:
        return True
    return name.split("/", 1)[0] in SECTIONS[SECTION]


def run_check(name, fn, *args):
    if not selected(name):
        return
    t0 = time.monotonic()

    def took():
        dt = time.monotonic() - t0
        return f" [{dt:.1f}s]" if dt >= 0.5 else ""
    try:
        detail = fn(*args)
        record(name, True, (detail or "ok") + took())
    except Fail as e:
        record(name, False, str(e) + took())
    except Exception as e:           # a harness problem is a failure too, with its traceback
        tb = traceback.format_exc().strip().splitlines()
        record(name, False, f"{type(e).__name__}: {e} [{tb[-3].strip() if len(tb) > 2 else ''}]"
               + took())


def note(text):
    if text not in NOTES:
        NOTES.append(text)


def check_report(rep, what):
    for e in rep.extras:
        note(f"{what}: undocumented member {e}")
    if rep.problems:
        raise Fail(f"{what}: " + "; ".join(rep.problems[:6]) +
                   (f" (+{len(rep.problems) - 6} more)" if len(rep.problems) > 6 else ""))


# =================================================================================================
# Golden messages (§11) and the document's own JSON examples.
# =================================================================================================

def strict_json_loads(text):
    def pairs(items):
        keys = [k for k, _ in items]
        if len(keys) != len(set(keys)):
            raise ValueError(f"duplicate member in object: {keys}")
        return dict(items)

    def const(c):
        raise ValueError(f"{c} is not JSON")
    return json.loads(text, object_pairs_hook=pairs, parse_constant=const)


def classify_name(fname):
    """(kind, method|topic|code name, variant) from a golden file name (§11)."""
    parts = fname[:-len(".json")].split(".")
    if parts[0] == "event":
        return "event", parts[1], ".".join(parts[2:])
    if parts[0] == "error":
        return "error", parts[1], ".".join(parts[2:])
    for i, p in enumerate(parts):
        if p in ("request", "result"):
            return p, ".".join(parts[:i]), ".".join(parts[i + 1:])
    return None, None, None


def validate_message(msg, kind, name, rep, strict=True):
    """Envelope (§2) and contents of one example message."""
    envelopes = {"request": {"jsonrpc", "id", "method", "params"},
                 "result": {"jsonrpc", "id", "result"}, "error": {"jsonrpc", "id", "error"},
                 "event": {"jsonrpc", "method", "params"}}
    if not isinstance(msg, dict):
        rep.add("$", "not a JSON object")
        return
    if set(msg) != envelopes[kind]:
        rep.add("$", f"members {sorted(msg)}, expected {sorted(envelopes[kind])}")
    if msg.get("jsonrpc") != "2.0":
        rep.add("$.jsonrpc", "must be \"2.0\"")
    if kind in ("request", "result"):
        i = msg.get("id")
        if not (is_int(i) or isinstance(i, str)):
            rep.add("$.id", f"must be an integer or a string, got {json.dumps(i)}")
    if kind == "request":
        if msg.get("method") != name:
            rep.add("$.method", f"{msg.get('method')!r}, expected {name!r}")
        elif name in METHODS:
            validate_params(name, msg.get("params"), rep, strict)
        else:
            rep.add("$.method", f"{name!r} is not a protocol-2 method")
    elif kind == "result":
        if name not in METHODS:
            rep.add("$", f"{name!r} is not a protocol-2 method")
            return
        validate(msg.get("result"), METHODS[name][2], "$.result", rep)
    elif kind == "event":
        if msg.get("method") != "event":
            rep.add("$.method", "must be \"event\"")
        validate(msg.get("params"), "EventParams", "$.params", rep)
        topic = (msg.get("params") or {}).get("topic")
        if not valid_topic(topic):
            rep.add("$.params.topic", f"{topic!r} is not a topic")
            return
        if name is not None and not (topic == name or (name == "log" and
                                                        topic.startswith("log:"))):
            rep.add("$.params.topic", f"{topic!r} does not match the file name ({name})")
        validate(msg["params"].get("data"), topic_type(topic), "$.params.data", rep)
    elif kind == "error":
        i = msg.get("id")
        if not (is_int(i) or isinstance(i, str) or i is None):
            rep.add("$.id", f"must be an integer, a string or null, got {json.dumps(i)}")
        validate_error_response(msg, rep)
        code = (msg.get("error") or {}).get("code")
        if name is not None:
            if ERROR_CODES.get(name) != code:
                rep.add("$.error.code", f"{code}, but the file name says {name} "
                        f"({ERROR_CODES.get(name)})")
        if code in (-32700, -32004) and i is not None:
            rep.add("$.id", f"code {code} always carries id null (§2)")


def golden_files():
    return sorted(f for f in os.listdir(GOLDEN_DIR) if f.endswith(".json"))


def check_golden_file(fname):
    path = os.path.join(GOLDEN_DIR, fname)
    with open(path, "rb") as f:
        raw = f.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Fail(f"not UTF-8: {e}")
    try:
        msg = strict_json_loads(text)
    except ValueError as e:
        raise Fail(f"does not parse: {e}")
    kind, name, variant = classify_name(fname)
    ensure(kind is not None, "name does not follow <method>.<request|result>[.<variant>].json, "
           "event.<topic>[.<variant>].json or error.<code name>[.<variant>].json")
    rep = Report()
    validate_message(msg, kind, name, rep, strict=True)
    # §11 / README: a "defaults" request variant leaves the optional params out.
    if kind == "request" and variant == "defaults" and name in METHODS:
        table = METHODS[name][1]
        for k in msg.get("params") or {}:
            if k in table and not table[k].required:
                rep.add("$.params", f"defaults variant carries optional param {k!r}")
    # The error example variants that the document describes specifically.
    if kind == "error" and name == "refused" and variant == "disk_space":
        if "data" not in msg.get("error", {}):
            rep.add("$.error.data", "the disk-space refusal carries free_bytes/required_bytes")
    if kind == "error" and variant == "http" and msg.get("id") is not None:
        rep.add("$.id", "an HTTP line gets id null (§4)")
    if rep.extras:     # a golden file is the document's own example: no undocumented members
        rep.problems += [f"undocumented member {e}" for e in rep.extras]
        rep.extras = []
    check_report(rep, fname)
    compact = json.dumps(msg, separators=(",", ":"), ensure_ascii=False)
    return f"{kind} {name}{'.' + variant if variant else ''}, {len(compact)} bytes compact"


def check_golden_coverage():
    """§11: the files cover every method's request and result, every topic, every wire code."""
    have = {"request": set(), "result": set(), "event": set(), "error": set()}
    for f in golden_files():
        kind, name, _ = classify_name(f)
        if kind:
            have[kind].add(name)
    missing = []
    for m in METHODS:
        for k in ("request", "result"):
            if m not in have[k]:
                missing.append(f"{m}.{k}")
    for t in TOPICS:
        if t.rstrip(":") not in have["event"]:
            missing.append(f"event.{t.rstrip(':')}")
    for c in ERROR_CODES:
        if c not in have["error"]:
            missing.append(f"error.{c}")
    ensure(not missing, f"no golden file for: {', '.join(missing)}")
    n = sum(len(v) for v in have.values())
    return (f"{len(golden_files())} files cover {len(METHODS)} methods x request/result, "
            f"{len(TOPICS)} topics, {len(ERROR_CODES)} error codes ({n} distinct names)")


def doc_json_examples():
    """The ```json blocks of docs/protocol.md, in order: (line number, [messages])."""
    with open(DOC_PATH, encoding="utf-8") as f:
        lines = f.read().split("\n")
    blocks, cur, start = [], None, 0
    for i, line in enumerate(lines, 1):
        if cur is None and line.strip() == "```json":
            cur, start = [], i
        elif cur is not None and line.strip() == "```":
            text = "\n".join(cur)
            try:
                msgs = [strict_json_loads(text)]
            except ValueError:
                msgs = [strict_json_loads(x) for x in cur if x.strip()]   # one message a line
            blocks.append((start, msgs))
            cur = None
        elif cur is not None:
            cur.append(line)
    return blocks


def check_doc_examples():
    """Every ```json example in docs/protocol.md is a valid message; results are checked against
    the method of the request example before them."""
    blocks = doc_json_examples()
    ensure(blocks, "no ```json blocks found")
    method = None
    count = 0
    failures = []
    for line, msgs in blocks:
        for msg in msgs:
            count += 1
            rep = Report()
            if isinstance(msg, dict) and msg.get("method") == "event":
                kind, name = "event", None
            elif isinstance(msg, dict) and "method" in msg:
                kind, name = "request", msg["method"]
                method = name
            elif isinstance(msg, dict) and "error" in msg:
                kind, name = "error", None
            else:
                kind, name = "result", method
            validate_message(msg, kind, name, rep, strict=True)
            rep.problems += [f"undocumented member {e}" for e in rep.extras]
            if rep.problems:
                failures.append(f"protocol.md:{line} ({kind}): " + "; ".join(rep.problems[:3]))
    ensure(not failures, " | ".join(failures))
    return f"{count} example messages in {len(blocks)} ```json blocks"


# =================================================================================================
# Talking to the agent.
# =================================================================================================

class Closed(Exception):
    pass


OUTPUT = {"lines": 0, "problems": [], "events": 0}
_output_lock = threading.Lock()


def compact(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def scan_output_line(text):
    """§2: compact JSON, non-ASCII as raw UTF-8 (not \\u escapes), control characters escaped."""
    problems = []
    in_str = False
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if in_str:
            if c == "\\":
                if i + 1 < n and text[i + 1] == "u":
                    cp = int(text[i + 2:i + 6], 16)
                    if cp >= 0x80:
                        problems.append(f"non-ASCII U+{cp:04X} written as a \\u escape")
                    i += 6
                    continue
                i += 2
                continue
            if c == '"':
                in_str = False
            elif ord(c) < 0x20:
                problems.append(f"raw control character 0x{ord(c):02x} in a string")
        elif c == '"':
            in_str = True
        elif c in " \t\r\n":
            problems.append("whitespace outside strings (not compact)")
            break
        i += 1
    return problems


def check_agent_message(raw, msg):
    """Envelope and schema of everything the agent sends; violations collected for a final check."""
    rep = Report()
    if not isinstance(msg, dict):
        rep.add("$", "not a JSON object")
    elif msg.get("method") == "event":
        if "id" in msg:
            rep.add("$", "an event has no id")
        validate_message(msg, "event", None, rep, strict=False)
    elif "error" in msg:
        validate_message(msg, "error", None, rep, strict=False)
    elif "result" in msg:
        if set(msg) != {"jsonrpc", "id", "result"}:
            rep.add("$", f"response members {sorted(msg)}")
        if msg.get("jsonrpc") != "2.0":
            rep.add("$.jsonrpc", "must be \"2.0\"")
    else:
        rep.add("$", "neither a response nor an event")
    for e in rep.extras:
        note(f"agent output: undocumented member {e}")
    if rep.problems:
        with _output_lock:
            OUTPUT["problems"].append(f"{raw[:200]!r}: {'; '.join(rep.problems[:3])}")


class Conn:
    """One connection; reads lines, keeps events aside, matches responses by id."""

    def __init__(self, sock, label):
        self.sock = sock
        self.label = label
        self.buf = b""
        self.events = []
        self.stash = []          # responses that were not waited for
        self.eof = False
        self.last_raw = b""

    @classmethod
    def unix(cls, path):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(path)
        return cls(s, "unix")

    @classmethod
    def tcp(cls, port):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.settimeout(None)
        return cls(s, "tcp")

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def send_raw(self, data):
        self.sock.sendall(data)

    def send(self, obj):
        self.send_raw(compact(obj) + b"\n")

    def read_line(self, timeout):
        """The next non-empty line (bytes, without "\\n"); None at EOF; Fail on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            nl = self.buf.find(b"\n")
            if nl >= 0:
                line, self.buf = self.buf[:nl], self.buf[nl + 1:]
                return line
            if self.eof:
                if self.buf:
                    line, self.buf = self.buf, b""
                    return line       # unterminated tail before EOF: returned as is
                return None
            left = deadline - time.monotonic()
            if left <= 0:
                raise Fail(f"timeout after {timeout:.1f}s waiting for a line from the agent")
            r, _, _ = select.select([self.sock], [], [], left)
            if not r:
                continue
            try:
                chunk = self.sock.recv(1 << 20)
            except (ConnectionResetError, BrokenPipeError):
                chunk = b""
            if not chunk:
                self.eof = True
            self.buf += chunk

    def read_msg(self, timeout):
        raw = self.read_line(timeout)
        if raw is None:
            return None
        self.last_raw = raw
        with _output_lock:
            OUTPUT["lines"] += 1
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            with _output_lock:
                OUTPUT["problems"].append(f"{raw[:200]!r}: invalid UTF-8 ({e})")
            text = raw.decode("utf-8", "replace")
        if text.endswith("\r"):
            with _output_lock:
                OUTPUT["problems"].append(f"{raw[:200]!r}: line ends with \\r")
        for p in scan_output_line(text):
            with _output_lock:
                OUTPUT["problems"].append(f"{raw[:200]!r}: {p}")
        try:
            msg = strict_json_loads(text)
        except ValueError as e:
            with _output_lock:
                OUTPUT["problems"].append(f"{raw[:200]!r}: not JSON ({e})")
            raise Fail(f"the agent sent a line that is not JSON: {raw[:200]!r}")
        check_agent_message(raw, msg)
        if isinstance(msg, dict) and msg.get("method") == "event":
            with _output_lock:
                OUTPUT["events"] += 1
        return msg

    def next_message(self, timeout):
        """The next message of any kind (stashed responses first); None at EOF."""
        if self.stash:
            return self.stash.pop(0)
        return self.read_msg(timeout)

    def wait_response(self, id_, timeout):
        for i, m in enumerate(self.stash):
            if same_id(m.get("id", ...), id_):
                return self.stash.pop(i)
        deadline = time.monotonic() + timeout
        while True:
            m = self.read_msg(max(0.01, deadline - time.monotonic()))
            if m is None:
                raise Fail(f"connection closed while waiting for the response to id {id_!r}")
            if m.get("method") == "event" and "id" not in m:
                self.events.append(m)
                continue
            if same_id(m.get("id", ...), id_):
                return m
            self.stash.append(m)

    def call(self, method, params=None, id_=None, timeout=None, omit_params=False):
        id_ = next_id() if id_ is None else id_
        msg = {"jsonrpc": "2.0", "id": id_, "method": method}
        if not omit_params:
            msg["params"] = {} if params is None else params
        self.send(msg)
        return self.wait_response(id_, timeout or T.resp)

    def result(self, method, params=None, **kw):
        """Call; the response must be a success whose result matches the method's schema."""
        r = self.call(method, params, **kw)
        ensure("result" in r, f"{method} {json.dumps(params)} -> {json.dumps(r)[:300]}")
        rep = Report()
        validate(r["result"], METHODS[method][2], f"{method}.result", rep)
        check_report(rep, f"{method} result")
        return r["result"]

    def hello(self, client="conformance/1", **kw):
        return self.result("hello", {"protocol": PROTOCOL_VERSION, "client": client}, **kw)

    def authenticate(self, token, client="conformance/1"):
        """§3.2, the TCP handshake: hello with a fresh nonce, the agent's proof checked, auth.
        Returns (hello result, auth response)."""
        nc = os.urandom(32).hex()
        res = self.result("hello", {"protocol": PROTOCOL_VERSION, "client": client, "nonce": nc})
        ensure(res["authorized"] is False, "authorized must be false over TCP before auth (§6.1)")
        ensure("nonce" in res and "proof" in res, f"no nonce and proof over TCP: {res}")
        ensure(res["proof"] == proof(token, AGENT_LABEL, nc, res["nonce"]),
               "the agent's proof is not HMAC(token, \"nixtray agent\" || Nc || Na) (§3.2)")
        return res, self.call("auth", {"proof": proof(token, CLIENT_LABEL, res["nonce"], nc)})

    def wait_event(self, pred, timeout, what):
        deadline = time.monotonic() + timeout
        for e in self.events:
            if pred(e):
                return e
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Fail(f"no {what} event within {timeout:.0f}s (got "
                           f"{[e['params']['topic'] for e in self.events]})")
            try:
                m = self.read_msg(left)
            except Fail:
                continue
            if m is None:
                raise Fail(f"connection closed while waiting for a {what} event")
            if m.get("method") == "event" and "id" not in m:
                self.events.append(m)
                if pred(m):
                    return m
            else:
                self.stash.append(m)

    def expect_close(self, timeout):
        """Messages received until EOF (Fail if the connection stays open)."""
        msgs = list(self.stash)
        self.stash = []
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Fail(f"connection still open {timeout:.0f}s later (received "
                           f"{[json.dumps(m)[:120] for m in msgs]})")
            m = self.read_msg(left)
            if m is None:
                return msgs
            msgs.append(m)

    def ping(self):
        """A round trip; proves the connection is still open and usable."""
        self.result("status")


def proof(token, label, first, second):
    """§3.2: hex(HMAC-SHA-256(token, label || first || second)), nonces as their hex text."""
    return hmac.new(token.encode(), label + first.encode() + second.encode(), hashlib.sha256).hexdigest()


def same_id(a, b):
    return type(a) is type(b) and a == b


_id_counter = [1000]
_id_lock = threading.Lock()


def next_id():
    with _id_lock:
        _id_counter[0] += 1
        return _id_counter[0]


def expect_error(msg, code, id_=..., what=""):
    ensure(isinstance(msg, dict) and "error" in msg,
           f"{what}expected error {code}, got {json.dumps(msg)[:300]}")
    ensure(msg["error"].get("code") == code,
           f"{what}expected error {code}, got {json.dumps(msg)[:300]}")
    if id_ is not ...:
        ensure(same_id(msg.get("id"), id_),
               f"{what}expected id {json.dumps(id_)}, got {json.dumps(msg)[:300]}")
    return msg["error"]


# =================================================================================================
# The agent under test, in a temporary directory with a fake system profile.
# =================================================================================================

class Timeouts:
    def __init__(self, factor):
        self.factor = factor
        self.resp = 10 * factor            # one response
        self.work = 60 * factor            # a response computed first (space's first look at the store)
        self.event = 20 * factor           # an event after a change on disk
        self.close = 10 * factor           # the agent closing a connection after an error
        self.hello = max(2, math.ceil(2 * factor))      # agent --hello-timeout
        self.client = max(3, math.ceil(3 * factor))     # agent --client-timeout
        self.margin = 4.0 * factor         # slack for the deadline checks (shared, loaded CI machines)


T = None
BASE_CREATED = 1_700_000_000


class Fixture:
    def __init__(self, agent, timeouts):
        self.agent = agent
        self.tmp = tempfile.mkdtemp(prefix="nixtray-conformance-")
        self.proc = None
        self.log = os.path.join(self.tmp, "agent.stderr")
        self.sock = os.path.join(self.tmp, "run", "agent.sock")   # run/ does not exist yet: §3.1
        self.state = os.path.join(self.tmp, "state")
        self.profiles = os.path.join(self.tmp, "profiles")
        self.store = os.path.join(self.tmp, "store")
        self.staging = os.path.join(self.tmp, "staging")
        self.current = os.path.join(self.tmp, "current-system")
        self.booted = os.path.join(self.tmp, "booted-system")
        self.port = None
        self.gens = {}                     # number -> dict(path, created, version, revision)
        for d in (self.profiles, self.store, self.staging):
            os.makedirs(d)
        with open(os.path.join(self.tmp, "config.json"), "w") as f:
            f.write("{}\n")

    # -- profile ------------------------------------------------------------------------------
    def add_generation(self, n, revision=None, dangling=False):
        path = os.path.join(self.store, f"{n:032d}-nixos-system-conformance-{n}")
        version = f"25.05.2025010{n}.conform{n} (Conformance)"
        if not dangling:
            os.makedirs(path)
            with open(os.path.join(path, "nixos-version"), "w") as f:
                f.write(version)
            if revision:
                with open(os.path.join(path, "configuration-revision"), "w") as f:
                    f.write(revision)
        created = BASE_CREATED + n * 86_400
        staged = os.path.join(self.staging, f"system-{n}-link")
        os.symlink(path, staged)
        os.utime(staged, (created, created), follow_symlinks=False)
        os.rename(staged, os.path.join(self.profiles, f"system-{n}-link"))
        self.gens[n] = {"path": path, "created": created,
                        "version": None if dangling else version,
                        "revision": revision, "dangling": dangling}

    def set_link(self, link, target):
        staged = os.path.join(self.staging, os.path.basename(link) + ".new")
        os.symlink(target, staged)
        os.rename(staged, link)

    def set_default(self, n):
        self.set_link(os.path.join(self.profiles, "system"), f"system-{n}-link")

    def build_profile(self):
        self.add_generation(1)
        self.add_generation(2)
        self.add_generation(3, revision="0123abc")
        self.set_default(3)
        self.set_link(self.current, self.gens[3]["path"])
        self.set_link(self.booted, self.gens[2]["path"])

    # -- process ------------------------------------------------------------------------------
    def start(self):
        for attempt in range(3):
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                self.port = s.getsockname()[1]
            cmd = [self.agent, "serve", "--config", os.path.join(self.tmp, "config.json"),
                   "--socket", self.sock, "--state-dir", self.state,
                   "--profile-dir", self.profiles, "--current-system", self.current,
                   "--booted-system", self.booted, "--tcp", f"127.0.0.1:{self.port}",
                   "--hello-timeout", str(T.hello), "--client-timeout", str(T.client)]
            self.t_spawn = time.time()
            with open(self.log, "ab") as log:
                self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                             stdout=subprocess.DEVNULL, stderr=log)
            deadline = time.monotonic() + 15 * T.factor
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    break
                # The socket's file appears at bind(), a moment before listen(): ready is when a
                # connection is accepted, not when the file is there.
                if os.path.exists(self.sock) and os.path.exists(os.path.join(self.state,
                                                                             "token")):
                    try:
                        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
                            probe.connect(self.sock)
                        self.t_ready = time.time()
                        return
                    except (ConnectionRefusedError, FileNotFoundError):
                        pass
                time.sleep(0.02)
            self.stop()
        raise RuntimeError("the agent did not create its socket and token; stderr:\n" +
                           self.log_tail())

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=10 * T.factor)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def log_tail(self, n=40):
        try:
            with open(self.log, errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def conn(self, hello=True):
        c = Conn.unix(self.sock)
        if hello:
            c.hello()
        return c

    def token(self):
        with open(os.path.join(self.state, "token")) as f:
            return f.read().strip()


# =================================================================================================
# Checks against the agent.  Order matters: later checks change the profile and the known-good mark.
# =================================================================================================

class Ctx:
    pass


CTX = Ctx()
FX = None


def status_line(extra=b""):
    return b'{"jsonrpc":"2.0","id":%d,"method":"status","params":{}}' % next_id() + extra


# ---- §3 files ------------------------------------------------------------------------------------

def c_socket_modes():
    """§3.1: the agent creates the socket directory with mode 0750 and the socket with 0660."""
    d = stat.S_IMODE(os.stat(os.path.dirname(FX.sock)).st_mode)
    s = os.stat(FX.sock)
    ensure(stat.S_ISSOCK(s.st_mode), "not a socket")
    ensure(stat.S_IMODE(s.st_mode) == 0o660, f"socket mode {oct(stat.S_IMODE(s.st_mode))}")
    ensure(d == 0o750, f"socket directory mode {oct(d)}")
    return "dir 0750, socket 0660"


def c_token_file():
    """§3.2: 256 random bits as 64 lowercase hex characters, mode 0600."""
    p = os.path.join(FX.state, "token")
    mode = stat.S_IMODE(os.stat(p).st_mode)
    with open(p, "rb") as f:
        raw = f.read()
    ensure(mode == 0o600, f"token file mode {oct(mode)}")
    body = raw[:-1] if raw.endswith(b"\n") else raw
    if body is not raw:
        note("token file ends with a newline (§3.2 does not say whether it does)")
    ensure(re.fullmatch(rb"[0-9a-f]{64}", body), f"token is not 64 lowercase hex: {raw!r}")
    return "mode 0600, 64 lowercase hex characters"


# ---- §6.1 hello ---------------------------------------------------------------------------------

def c_hello_result():
    c = Conn.unix(FX.sock)
    r = c.call("hello", {"protocol": PROTOCOL_VERSION, "client": "conformance/1"}, id_=1)
    ensure(set(r) == {"jsonrpc", "id", "result"}, f"envelope {sorted(r)}")
    ensure(same_id(r["id"], 1), "id not echoed")
    rep = Report()
    validate(r["result"], "HelloResult", "hello.result", rep)
    check_report(rep, "hello result")
    res = r["result"]
    ensure(res["protocol"] == PROTOCOL_VERSION, f"protocol {res['protocol']}, asked for 2 (§6.1)")
    ensure(res["authorized"] is True, "root on the Unix socket must be authorized (§3.1)")
    ensure("nonce" not in res and "proof" not in res, "nonce and proof are for TCP only (§6.1)")
    CTX.hello = res
    CTX.methods = res["methods"]
    c.close()
    unimpl = [m for m in METHODS if m not in res["methods"]]
    return (f"protocol {res['protocol']}, agent {res['agent']!r}, implements "
            f"{', '.join(res['methods'])}; not implemented: {', '.join(unimpl) or 'none'}")


def c_hello_listed_methods_answer():
    """§6: hello's methods lists exactly the implemented ones (they do not answer -32601)."""
    c = FX.conn()
    bad = []
    for m in CTX.methods[2:]:
        r = c.call(m, {}, timeout=T.work)
        if "error" in r and r["error"]["code"] == -32601:
            bad.append(m)
    c.close()
    ensure(not bad, f"listed in hello but answer -32601: {bad}")
    return f"{len(CTX.methods) - 1} listed methods answer (not -32601)"


def c_hello_protocol_any():
    """§6.1, §10: any protocol >= 1 (up to 1,000,000) is accepted on the Unix socket; the agent
    answers in the client's version when it speaks it (1, 2), else with its own (2)."""
    out = []
    for p, expected in ((1, 1), (2, 2), (3, 2), (1_000_000, 2)):
        c = Conn.unix(FX.sock)
        res = c.result("hello", {"protocol": p, "client": "conformance/1"})
        ensure(res["protocol"] == expected, f"protocol {p} -> agent protocol {res['protocol']}")
        c.ping()
        c.close()
        out.append(f"{p}->{expected}")
    return ", ".join(out)


def c_hello_unknown_params_and_token_on_unix():
    """§2 unknown params members are ignored; §3.1 a nonce (or a protocol-1 token) is ignored on
    the Unix socket, and there is no auth."""
    c = Conn.unix(FX.sock)
    res = c.result("hello", {"protocol": 2, "client": "conformance/1", "nonce": "ab" * 32,
                             "token": "wrong", "x-unknown": {"a": [1, 2]}})
    ensure(res["authorized"] is True, "authorized must not depend on a nonce on the Unix socket")
    ensure("nonce" not in res and "proof" not in res, "nonce and proof are for TCP only (§6.1)")
    expect_error(c.call("auth", {"proof": "00" * 32}), -32600, ..., "auth on the Unix socket: ")
    c.ping()
    c.close()
    return "unknown member, nonce and token ignored, authorized; auth -32600, stays open"


def c_hello_pipelined():
    """§4.2: a successful hello is answered before any later line is processed."""
    c = Conn.unix(FX.sock)
    c.send_raw(b'{"jsonrpc":"2.0","id":"h","method":"hello","params":{"protocol":1,'
               b'"client":"c/1"}}\n{"jsonrpc":"2.0","id":"s","method":"status"}\n'
               b'{"jsonrpc":"2.0","id":"g","method":"generations.list"}\n')
    first = c.read_msg(T.resp)
    ensure(first is not None and same_id(first.get("id"), "h") and "result" in first,
           f"first response is not hello's: {json.dumps(first)[:200]}")
    got = {"h"}
    for _ in range(2):
        m = c.read_msg(T.resp)
        ensure(m is not None and "result" in m, f"unexpected {json.dumps(m)[:200]}")
        got.add(m["id"])
    ensure(got == {"h", "s", "g"}, f"ids {got}")
    c.close()
    return "hello answered first, then both pipelined requests"


def c_hello_twice():
    """§4.3: a second hello gets -32600; the connection stays open."""
    c = FX.conn()
    r = c.call("hello", {"protocol": 1, "client": "conformance/1"}, id_=77)
    expect_error(r, -32600, 77)
    c.ping()
    c.close()
    return "-32600 with the request's id, connection usable"


def c_hello_invalid_params(params, field):
    """§4.2 / §6.1: hello with invalid params -> -32602 with the id, naming the param, closed."""
    c = Conn.unix(FX.sock)
    msg = {"jsonrpc": "2.0", "id": 5, "method": "hello"}
    if params is not ...:
        msg["params"] = params
    c.send(msg)
    msgs = c.expect_close(T.close)
    ensure(len(msgs) == 1, f"expected one error then close, got {[json.dumps(m) for m in msgs]}")
    e = expect_error(msgs[0], -32602, 5)
    ensure(field in e["message"], f"message does not name {field!r}: {e['message']!r}")
    c.close()
    return f"-32602 {e['message']!r}, then closed"


# ---- §4.2 the first line ------------------------------------------------------------------------

def first_line_case(data, code, id_, closes=True):
    c = Conn.unix(FX.sock)
    try:
        c.send_raw(data)
    except (BrokenPipeError, ConnectionResetError):
        pass
    msgs = c.expect_close(T.close)
    c.close()
    ensure(len(msgs) == 1, f"expected exactly one error then close, got "
           f"{[json.dumps(m)[:150] for m in msgs]}")
    e = expect_error(msgs[0], code, id_)
    return f"{code} id {json.dumps(id_)} ({e['message'][:70]!r}), then closed"


HELLO_LINE = b'{"jsonrpc":"2.0","id":1,"method":"hello","params":{"protocol":1,"client":"c/1"}}\n'

FIRST_LINE_CASES = [
    # (name, bytes sent, code, id)    -- §4.2 table; "then the agent closes"; later lines discarded
    ("first/other-method", b'{"jsonrpc":"2.0","id":7,"method":"status","params":{}}\n' +
     HELLO_LINE, -32600, 7),
    ("first/notification", b'{"jsonrpc":"2.0","method":"hello","params":{"protocol":1,'
     b'"client":"c/1"}}\n' + HELLO_LINE, -32600, None),
    ("first/null-id-request", b'{"jsonrpc":"2.0","id":null,"method":"hello","params":'
     b'{"protocol":1,"client":"c/1"}}\n' + HELLO_LINE, -32600, None),
    ("first/response", b'{"jsonrpc":"2.0","id":3,"result":{}}\n' + HELLO_LINE, -32600, None),
    ("first/not-json", b'hello agent\n' + HELLO_LINE, -32700, None),
    ("first/http-get", b'GET / HTTP/1.1\r\nHost: localhost\r\n\r\n', -32600, None),
    ("first/http-post", b'POST /rpc HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}', -32600, None),
    ("first/http-pri", b'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', -32600, None),
    ("first/http-host-any-case", b'hOsT: example.org\r\n\r\n', -32600, None),
    ("first/http-lowercase-get-is-not-http", b'get / HTTP/1.1\r\n\r\n', -32700, None),
    ("first/batch", b'[' + HELLO_LINE[:-1] + b']\n' + HELLO_LINE, -32600, None),
    ("first/non-object", b'42\n' + HELLO_LINE, -32600, None),
    ("first/params-array", b'{"jsonrpc":"2.0","id":9,"method":"hello","params":[1,"c/1"]}\n',
     -32600, 9),
    ("first/depth-65", None, -32700, None),                  # built below
]


def c_first_depth_65():
    return first_line_case(nested_request("hello", NESTING_LIMIT + 1, 1,
                                          {"protocol": 1, "client": "c/1"}) + b"\n",
                           -32700, None)


def c_first_depth_64_ok():
    """§2: 64 levels is within the limit, also in the first line."""
    c = Conn.unix(FX.sock)
    c.send_raw(nested_request("hello", NESTING_LIMIT, 1, {"protocol": 1, "client": "c/1"}) + b"\n")
    r = c.wait_response(1, T.resp)
    ensure("result" in r, f"64-level hello refused: {json.dumps(r)[:200]}")
    c.ping()
    c.close()
    return "64-level hello accepted"


def padded_hello(total_len, id_=1):
    """A hello line of exactly total_len bytes (without "\n"), padded with an unknown param."""
    head = b'{"jsonrpc":"2.0","id":%d,"method":"hello","params":{"protocol":2,"client":"c/1",' \
           b'"pad":"' % id_
    tail = b'"}}'
    return head + b"x" * (total_len - len(head) - len(tail)) + tail


def c_first_oversize():
    """§2, §4.2: during the handshake a line may hold 16 KiB; one byte more as the first line ->
    -32004 id null, closed."""
    return first_line_case(padded_hello(HANDSHAKE_LINE_LIMIT + 1) + b"\n", -32004, None)


def c_first_at_handshake_limit():
    """§2, §4.2: a hello of exactly 16,384 bytes is within the limit."""
    c = Conn.unix(FX.sock)
    c.send_raw(padded_hello(HANDSHAKE_LINE_LIMIT) + b"\n")
    r = c.wait_response(1, T.resp)
    ensure("result" in r, f"16 KiB hello refused: {json.dumps(r)[:200]}")
    c.ping()
    c.close()
    return "a hello of 16,384 bytes accepted"


def c_first_keepalive():
    """§2: empty lines are ignored (not messages), also before hello."""
    c = Conn.unix(FX.sock)
    c.send_raw(b"\n\n" + HELLO_LINE)
    r = c.wait_response(1, T.resp)
    ensure("result" in r, f"hello after empty lines: {json.dumps(r)[:200]}")
    c.ping()
    ensure(not c.stash and not c.events, f"unexpected messages {c.stash}")
    c.close()
    return "empty lines before hello ignored"


# ---- §2 framing ---------------------------------------------------------------------------------

def c_split_writes():
    c = FX.conn()
    line = b'{"jsonrpc":"2.0","id":"split","method":"status","params":{"a":"\xc3\xa9"}}\n'
    # split everywhere, including inside the multi-byte character and before the newline
    cuts = [1, 9, 17, 30, 45, line.index(b"\xa9"), len(line) - 1]
    prev = 0
    for cut in cuts:
        c.send_raw(line[prev:cut])
        prev = cut
        time.sleep(0.05)
    c.send_raw(line[prev:])
    r = c.wait_response("split", T.resp)
    ensure("result" in r, json.dumps(r)[:200])
    c.close()
    return f"one request in {len(cuts) + 1} writes answered"


def c_two_in_one_write():
    c = FX.conn()
    c.send_raw(b'{"jsonrpc":"2.0","id":"a","method":"status"}\n'
               b'{"jsonrpc":"2.0","id":"b","method":"generations.list"}\n'
               b'{"jsonrpc":"2.0","id":"c",')
    time.sleep(0.1)
    c.send_raw(b'"method":"status"}\n')
    got = {}
    for i in ("a", "b", "c"):
        got[i] = c.wait_response(i, T.resp)
    ensure(all("result" in r for r in got.values()), str(got)[:300])
    c.close()
    return "two requests in one write, a third split across writes: all answered"


def c_crlf():
    """§2: a "\\r" directly before the "\\n" is tolerated and removed."""
    c = FX.conn()
    c.send_raw(b'{"jsonrpc":"2.0","id":"crlf","method":"status","params":{}}\r\n')
    r = c.wait_response("crlf", T.resp)
    ensure("result" in r, json.dumps(r)[:200])
    c.send_raw(b'{"jsonrpc":"2.0","id":"crlf2","method":"status"}\r\n\r\n')
    r = c.wait_response("crlf2", T.resp)
    ensure("result" in r, json.dumps(r)[:200])
    c.ping()
    ensure(not c.stash, f"extra messages: {c.stash}")
    c.close()
    return "CRLF-terminated requests answered; \"\\r\\n\" alone is an empty line"


def c_empty_lines_after_hello():
    c = FX.conn()
    c.send_raw(b"\n\n\n")
    c.ping()
    c.ping()
    ensure(not c.stash and not c.events, f"empty lines produced messages: {c.stash}")
    c.close()
    return "no response to empty lines"


def c_output_compact():
    """§2: the agent writes one compact JSON object per line, ended by "\\n"."""
    c = FX.conn()
    c.send_raw(b'{"jsonrpc":"2.0","id":1,"method":"generations.list"}\n')
    deadline = time.monotonic() + T.resp
    while b"\n" not in c.buf and time.monotonic() < deadline:
        select.select([c.sock], [], [], 0.1)
        chunk = c.sock.recv(1 << 20)
        ensure(chunk, "closed")
        c.buf += chunk
    raw = c.buf.split(b"\n", 1)[0]
    ensure(not raw.endswith(b"\r"), "line ends with \\r\\n")
    probs = scan_output_line(raw.decode("utf-8"))
    ensure(not probs, f"{probs}: {raw[:200]!r}")
    ensure(raw.startswith(b"{"), f"not an object: {raw[:50]!r}")
    c.close()
    return f"{len(raw)}-byte line, compact, \\n-terminated"


# ---- §2 envelope errors after hello ---------------------------------------------------------------

ENVELOPE_CASES = [
    # (name, line, code, id)  -- §2 bullets, §5 table; connection stays open after hello
    ("envelope/parse-error", b'{"jsonrpc":"2.0","id":1,', -32700, None),
    ("envelope/not-json", b'status please', -32700, None),
    ("envelope/http-after-hello-is-not-json", b'GET / HTTP/1.1', -32700, None),
    ("envelope/batch", b'[{"jsonrpc":"2.0","id":1,"method":"status"}]', -32600, None),
    ("envelope/empty-batch", b'[]', -32600, None),
    ("envelope/top-level-number", b'42', -32600, None),
    ("envelope/top-level-string", b'"status"', -32600, None),
    ("envelope/top-level-null", b'null', -32600, None),
    ("envelope/missing-jsonrpc", b'{"id":31,"method":"status"}', -32600, None),
    ("envelope/id-fraction", b'{"jsonrpc":"2.0","id":1.5,"method":"status"}', -32600, None),
    ("envelope/id-bool", b'{"jsonrpc":"2.0","id":true,"method":"status"}', -32600, None),
    ("envelope/id-object", b'{"jsonrpc":"2.0","id":{"a":1},"method":"status"}', -32600, None),
    ("envelope/id-array", b'{"jsonrpc":"2.0","id":[1],"method":"status"}', -32600, None),
    ("envelope/method-not-string", b'{"jsonrpc":"2.0","id":32,"method":5}', -32600, 32),
    ("envelope/params-array", b'{"jsonrpc":"2.0","id":16,"method":"status","params":[]}',
     -32600, 16),
    ("envelope/params-string", b'{"jsonrpc":"2.0","id":17,"method":"status","params":"x"}',
     -32600, 17),
    ("envelope/params-number", b'{"jsonrpc":"2.0","id":18,"method":"status","params":3}',
     -32600, 18),
    ("envelope/unknown-method", b'{"jsonrpc":"2.0","id":19,"method":"no.such.method"}',
     -32601, 19),
]


def c_envelope_case(line, code, id_):
    c = FX.conn()
    c.send_raw(line + b"\n")
    m = c.next_message(T.resp)
    ensure(m is not None, "connection closed; errors after hello must not close it (§4.3)")
    expect_error(m, code, id_)
    c.ping()
    ensure(not c.stash, f"more than one answer: {[json.dumps(x)[:120] for x in c.stash]}")
    c.close()
    return f"{code} id {json.dumps(id_)} ({m['error']['message'][:60]!r}), connection usable"


def c_wrong_jsonrpc_version():
    """§2/§4: bad jsonrpc -> -32600; the id "as far as it could be read" (null or echoed)."""
    c = FX.conn()
    c.send_raw(b'{"jsonrpc":"1.0","id":33,"method":"status"}\n')
    m = c.next_message(T.resp)
    expect_error(m, -32600)
    ensure(m["id"] in (None, 33) and not isinstance(m["id"], bool), f"id {m['id']!r}")
    c.ping()
    c.close()
    return f"-32600 with id {json.dumps(m['id'])}"


def c_params_omitted_or_null():
    """§2: params may be omitted or null, which means {}."""
    c = FX.conn()
    for i, line in enumerate((b'{"jsonrpc":"2.0","id":%d,"method":"status"}',
                              b'{"jsonrpc":"2.0","id":%d,"method":"status","params":null}',
                              b'{"jsonrpc":"2.0","id":%d,"method":"generations.list",'
                              b'"params":null}')):
        c.send_raw(line % (40 + i) + b"\n")
        r = c.wait_response(40 + i, T.resp)
        ensure("result" in r, f"{line!r} -> {json.dumps(r)[:200]}")
    c.close()
    return "omitted and null params accepted"


def c_unknown_params_ignored():
    c = FX.conn()
    c.result("status", {"verbose": True, "nested": {"x": [1]}})
    c.result("generations.list", {"limit": "ignored"})
    c.close()
    return "unknown params members ignored"


def c_notifications_ignored():
    """§2: after hello, notifications (no id, or id null) and client responses are ignored."""
    c = FX.conn()
    c.send_raw(b'{"jsonrpc":"2.0","method":"status","params":{}}\n'
               b'{"jsonrpc":"2.0","id":null,"method":"generations.list"}\n'
               b'{"jsonrpc":"2.0","method":"no.such.method"}\n'
               b'{"jsonrpc":"2.0","id":99,"result":{"x":1}}\n'
               b'{"jsonrpc":"2.0","id":98,"error":{"code":-32000,"message":"x"}}\n')
    c.ping()
    c.ping()
    ensure(not c.stash and not c.events,
           f"the agent answered: {[json.dumps(m)[:120] for m in c.stash]}")
    c.close()
    return "no answer to 3 notifications and 2 responses"


# ---- §2 ids -----------------------------------------------------------------------------------

def c_id_echo():
    c = FX.conn()
    ids = [0, 1, -1, 2**31, -2**31 - 1, 2**53 + 1, 2**63 - 1, "", "tray-4", "17",
           "with space", "ü€𝄞", "x\"y\\z", "a\u0001b\nc\td"]
    bad = []
    for i in ids:
        r = c.call("status", {}, id_=i)
        if not same_id(r.get("id"), i) or "result" not in r:
            bad.append(f"{json.dumps(i)} -> {json.dumps(r)[:120]}")
    c.close()
    ensure(not bad, "; ".join(bad))
    return f"{len(ids)} integer and string ids echoed unchanged"


def c_id_echo_errors():
    """The id of a request that fails is echoed too (examples in §5)."""
    c = FX.conn()
    r = c.call("no.such.method", {}, id_="err-1")
    expect_error(r, -32601, "err-1")
    r = c.call("generations.mark_good", {}, id_=-7)
    expect_error(r, -32602, -7)
    c.close()
    return "ids echoed in -32601 and -32602 errors"


# ---- §2 UTF-8 ---------------------------------------------------------------------------------

UTF8_CASES = [
    # (name, bytes, exact expected or None=one or more U+FFFD)
    ("stray-byte-ff", b"\xff", "a\ufffdb"),
    ("lone-continuation", b"\x80", "a\ufffdb"),
    ("truncated-sequence", b"\xe2\x82", None),
    ("overlong", b"\xc0\xaf", None),
    ("surrogate", b"\xed\xa0\x80", None),
    ("above-10ffff", b"\xf4\x90\x80\x80", None),
]


def c_invalid_utf8():
    """§2: every invalid UTF-8 sequence is replaced by U+FFFD and the message is processed."""
    c = FX.conn()
    out = []
    for name, bad, exact in UTF8_CASES:
        c.send_raw(b'{"jsonrpc":"2.0","id":"a' + bad + b'b","method":"status"}\n')
        m = c.next_message(T.resp)
        ensure(m is not None, f"{name}: connection closed")
        ensure("result" in m, f"{name}: not processed: {json.dumps(m)[:200]}")
        got = m.get("id")
        if exact is not None:
            ensure(got == exact, f"{name}: id {got!r}, expected {exact!r}")
        else:
            ensure(isinstance(got, str) and re.fullmatch("a\ufffd+b", got),
                   f"{name}: id {got!r}, expected 'a' U+FFFD... 'b'")
        out.append(f"{name}:{len(got) - 2}xFFFD")
    # also in the first line, inside hello
    c2 = Conn.unix(FX.sock)
    c2.send_raw(b'{"jsonrpc":"2.0","id":1,"method":"hello","params":{"protocol":1,'
                b'"client":"bad\xff\xfe/1"}}\n')
    r = c2.wait_response(1, T.resp)
    ensure("result" in r, f"hello with invalid UTF-8 in client: {json.dumps(r)[:200]}")
    c2.close()
    c.close()
    return "replaced and processed: " + ", ".join(out) + "; hello with invalid UTF-8 ok"


def c_output_utf8():
    """§2: the agent writes non-ASCII as raw UTF-8 and control characters escaped."""
    c = FX.conn()
    i = "é€𝄞\u0001\u001f"
    c.send(({"jsonrpc": "2.0", "id": i, "method": "status"}))
    r = c.wait_response(i, T.resp)
    raw = c.last_raw
    ensure("é€𝄞".encode() in raw, f"non-ASCII not written as raw UTF-8: {raw[:120]!r}")
    ensure(b"\\u0001" in raw.lower() and b"\\u001f" in raw.lower(),
           f"control characters not written as \\u00XX: {raw[:120]!r}")
    c.close()
    return "raw UTF-8 for é€𝄞, \\u0001 and \\u001f escaped"


# ---- §2 size limit ----------------------------------------------------------------------------

def padded_status(total_len, id_=1):
    head = b'{"jsonrpc":"2.0","id":%d,"method":"status","params":{"pad":"' % id_
    tail = b'"}}'
    return head + b"x" * (total_len - len(head) - len(tail)) + tail


def c_size_exact_limit():
    """§2: a line of exactly 1,048,576 bytes (without "\\n") is accepted."""
    c = FX.conn()
    line = padded_status(LINE_LIMIT, 61)
    ensure(len(line) == LINE_LIMIT, "test bug")
    c.send_raw(line + b"\n")
    r = c.wait_response(61, T.resp)
    ensure("result" in r, json.dumps(r)[:200])
    line = padded_status(LINE_LIMIT - 1, 62)        # + "\r" = exactly the limit
    c.send_raw(line + b"\r\n")
    r = c.wait_response(62, T.resp)
    ensure("result" in r, json.dumps(r)[:200])
    c.ping()
    c.close()
    return "1,048,576-byte line and 1,048,575 bytes + CR accepted"


def oversize_case(data):
    c = FX.conn()
    try:
        c.send_raw(data)
    except (BrokenPipeError, ConnectionResetError):
        pass
    msgs = c.expect_close(T.close)
    c.close()
    ensure(len(msgs) == 1, f"expected one error then close: {[json.dumps(m)[:100] for m in msgs]}")
    e = expect_error(msgs[0], -32004, None)
    return f"-32004 id null ({e['message'][:60]!r}), then closed"


def c_size_over_no_newline():
    """§2: as soon as a line exceeds the limit, even before its "\\n", -32004 and close."""
    return oversize_case(padded_status(LINE_LIMIT + 1))


def c_size_over_with_cr():
    """§2: a "\\r" before the "\\n" counts: 1,048,576 bytes + CR is over the limit."""
    return oversize_case(padded_status(LINE_LIMIT) + b"\r\n")


def c_size_over_big():
    return oversize_case(padded_status(3 * LINE_LIMIT) + b"\n" + status_line(b"\n"))


# ---- §2 nesting -------------------------------------------------------------------------------

def nested_request(method, levels, id_, params=None):
    """A request whose deepest value is at `levels` (top-level object = 1, params = 2)."""
    params = dict(params or {})
    body = compact(params)[:-1]
    arrays = levels - 2
    inner = b"[" * arrays + b"]" * arrays
    sep = b"," if params else b""
    return (b'{"jsonrpc":"2.0","id":%d,"method":"%s","params":' % (id_, method.encode()) +
            body + sep + b'"deep":' + inner + b"}}")


def c_depth():
    c = FX.conn()
    c.send_raw(nested_request("status", NESTING_LIMIT, 64) + b"\n")
    r = c.wait_response(64, T.resp)
    ensure("result" in r, f"64 levels refused: {json.dumps(r)[:200]}")
    c.send_raw(nested_request("status", NESTING_LIMIT + 1, 65) + b"\n")
    m = c.next_message(T.resp)
    expect_error(m, -32700, None, "65 levels: ")
    c.send_raw(nested_request("status", 500, 66) + b"\n")
    m = c.next_message(T.resp)
    expect_error(m, -32700, None, "500 levels: ")
    # brackets inside strings do not count
    c.send_raw(b'{"jsonrpc":"2.0","id":67,"method":"status","params":{"s":"' + b"[{" * 200 +
               b'"}}\n')
    r = c.wait_response(67, T.resp)
    ensure("result" in r, f"brackets in a string counted: {json.dumps(r)[:200]}")
    # objects count like arrays: params is level 2, so k nested objects reach level k + 1
    deep_obj = b'{"a":' * (NESTING_LIMIT - 1) + b"1" + b"}" * (NESTING_LIMIT - 1)
    c.send_raw(b'{"jsonrpc":"2.0","id":68,"method":"status","params":' + deep_obj + b"}\n")
    r = c.wait_response(68, T.resp)
    ensure("result" in r, f"64 levels of objects refused: {json.dumps(r)[:200]}")
    deep_obj = b'{"a":' * NESTING_LIMIT + b"1" + b"}" * NESTING_LIMIT
    c.send_raw(b'{"jsonrpc":"2.0","id":69,"method":"status","params":' + deep_obj + b"}\n")
    expect_error(c.next_message(T.resp), -32700, None, "65 levels of objects: ")
    c.ping()
    c.close()
    return "64 levels ok, 65 and 500 -> -32700 id null, strings ignored, objects count"


# ---- §6 unimplemented methods -------------------------------------------------------------------

def c_unimplemented():
    c = FX.conn()
    missing = [m for m in METHODS if m not in CTX.methods]
    for m in missing:
        r = c.call(m, {}, id_=f"u-{m}")
        expect_error(r, -32601, f"u-{m}", f"{m}: ")
    for m in ("no.such.method", "", "HELLO", "Status", "event", "rpc.discover"):
        r = c.call(m, {}, id_=f"u-{m}")
        expect_error(r, -32601, f"u-{m}", f"{m!r}: ")
    c.ping()
    c.close()
    return (f"-32601 for {len(missing)} unimplemented protocol-1 methods "
            f"({', '.join(missing) or 'none'}) and 6 unknown names")


# ---- §6.2 status, §6.5 generations.list against the profile ---------------------------------------

def c_status_semantics():
    c = FX.conn()
    s = c.result("status")
    c.close()
    CTX.status0 = s
    g = s["generations"]
    ensure((g["default"], g["current"], g["booted"]) == (3, 3, 2),
           f"generations {g}, expected default 3, current 3, booted 2")
    ensure(s["restart_pending"] is True, "restart_pending must be true (current 3 != booted 2)")
    ensure(s["boot_pending"] is False, "boot_pending must be false (default 3 == current 3)")
    ensure(s["nixos_version"] == FX.gens[3]["version"],
           f"nixos_version {s['nixos_version']!r}, expected {FX.gens[3]['version']!r}")
    ensure(s["running_job"] is None, f"running_job {s['running_job']!r} with no job running")
    ensure(s["hostname"] == socket.gethostname(),
           f"hostname {s['hostname']!r}, expected {socket.gethostname()!r}")
    ensure(s["agent"]["version"] == CTX.hello["agent"],
           f"agent.version {s['agent']['version']!r} != hello agent {CTX.hello['agent']!r}")
    st = s["agent"]["started"]
    ensure(FX.t_spawn - 2 <= st <= FX.t_ready + 2,
           f"agent.started {st} not between spawn {FX.t_spawn:.0f} and ready {FX.t_ready:.0f}")
    return (f"default 3, current 3, booted 2, restart_pending, not boot_pending, version, "
            f"hostname, agent {s['agent']}")


def c_status_known_good_initially_null():
    """§8 GenerationTriple: until a generation is marked with generations.mark_good, known_good is
    the generation that was booted when the agent first ran.  Nothing was marked on this fresh
    state directory, and the profile was built with booted = 2."""
    s = CTX.status0
    ensure(s["generations"]["known_good"] == s["generations"]["booted"] == 2,
           f"status -> generations {json.dumps(s['generations'])} on a fresh state directory "
           f"before any generations.mark_good (expected known_good = booted = 2)")
    return "the first booted generation before any mark_good"


def check_generation_list(gl, expect_numbers, marks):
    nums = [g["number"] for g in gl]
    ensure(nums == expect_numbers, f"numbers {nums}, expected {expect_numbers}")
    for g in gl:
        n = g["number"]
        info = FX.gens[n]
        ensure(g["path"] == info["path"], f"gen {n} path {g['path']!r}, expected {info['path']!r}")
        ensure(g["created"] == info["created"],
               f"gen {n} created {g['created']}, expected the link's mtime {info['created']}")
        if not info["dangling"]:
            ensure(g["nixos_version"] == info["version"],
                   f"gen {n} nixos_version {g['nixos_version']!r}, expected {info['version']!r}")
            ensure(g["configuration_revision"] == info["revision"],
                   f"gen {n} configuration_revision {g['configuration_revision']!r}, "
                   f"expected {info['revision']!r}")
            ensure(g["problem"] is None, f"gen {n} problem {g['problem']!r}")
        for flag, want in marks.items():
            if flag == "known_good" and want is ...:
                continue
            ensure(g[flag] == (n == want), f"gen {n} {flag}={g[flag]}, expected only {want}")


def c_generations_list():
    c = FX.conn()
    gl = c.result("generations.list")["generations"]
    kg = c.result("status")["generations"]["known_good"]
    c.close()
    check_generation_list(gl, [3, 2, 1], {"default": 3, "current": 3, "booted": 2,
                                         "known_good": kg})
    return ("3,2,1 newest first; path, created (link mtime), nixos_version, "
            f"configuration_revision; default/current 3, booted 2, known_good={kg} as in status")


# ---- §6.7 mark_good --------------------------------------------------------------------------------

def c_mark_good():
    c = FX.conn()
    sub = c.result("subscribe", {"topics": ["generations", "status"]})
    ensure(sub["topics"] == ["generations", "status"], f"subscribe -> {sub}")
    out = []
    for n in (1, 3):
        c.events.clear()
        r = c.result("generations.mark_good", {"number": n})
        ensure(r == {"known_good": n} or r["known_good"] == n, f"mark_good {n} -> {r}")
        s = c.result("status")
        ensure(s["generations"]["known_good"] == n, f"status known_good "
               f"{s['generations']['known_good']} after mark_good {n}")
        gl = c.result("generations.list")["generations"]
        marked = [g["number"] for g in gl if g["known_good"]]
        ensure(marked == [n], f"generations.list known_good marks {marked} after mark_good {n}")
        # §6.7 "The status and generations topics then report the change"
        c.wait_event(lambda e: e["params"]["topic"] == "status" and
                     e["params"]["data"]["generations"]["known_good"] == n, T.event,
                     f"status (known_good {n})")
        c.wait_event(lambda e: e["params"]["topic"] == "generations" and
                     [g["number"] for g in e["params"]["data"]["generations"]
                      if g["known_good"]] == [n], T.event, f"generations (known_good {n})")
        out.append(str(n))
    c.close()
    return (f"marked {' then '.join(out)}: result, status, generations.list and both events "
            "agree; one known-good at a time")


def c_mark_good_errors():
    c = FX.conn()
    kg = c.result("status")["generations"]["known_good"]
    out = []
    for number in (99, 1_000_000_000):
        r = c.call("generations.mark_good", {"number": number})
        expect_error(r, -32003, ..., f"number {number}: ")
        out.append(f"{number}:-32003")
    cases = [({}, "number"), ({"number": None}, "number"), ({"number": "3"}, "number"),
             ({"number": 0}, "number"), ({"number": -1}, "number"),
             ({"number": 1_000_000_001}, "number"), ({"number": [3]}, "number")]
    for params, field in cases:
        r = c.call("generations.mark_good", params)
        e = expect_error(r, -32602, ..., f"{json.dumps(params)}: ")
        ensure(field in e["message"], f"{json.dumps(params)}: message does not name "
               f"{field!r}: {e['message']!r}")
        out.append(f"{json.dumps(params['number']) if 'number' in params else 'missing'}:-32602")
    ensure(c.result("status")["generations"]["known_good"] == kg, "known_good changed by a "
           "failed mark_good")
    c.close()
    return ", ".join(out) + "; known_good unchanged"


# ---- §6.16 / §6.17 verify.record, verify.get -------------------------------------------------------

def c_verification():
    """§6.2/§8 Verification: a generation no check was recorded for is "unverified", since its
    creation; §6.16: a start makes it "verifying" (status and the status topic agree); a pass is
    refused (-32005) for a generation that is not the booted one; -32003, -32602 as documented;
    §6.17: verify.get of a generation shows its state."""
    c = FX.conn()
    c.result("subscribe", {"topics": ["status"]})
    v = c.result("status")["verification"]
    ensure(v["state"] == "unverified" and v["generation"] == 3, f"status.verification {v}, "
           "expected generation 3 unverified (no check was recorded)")
    gl = {g["number"]: g for g in c.result("generations.list")["generations"]}
    ensure(v["store_path"] == gl[3]["path"] and v["since"] == gl[3]["created"],
           f"store_path/since {v['store_path']}/{v['since']} != generation 3's path/created")
    ensure(c.result("verify.get", {}) == c.result("verify.get", {"generation": 3}),
           "verify.get {} differs from verify.get of the default generation 3")
    c.events.clear()
    r = c.result("verify.record", {"generation": 3, "outcome": "started",
                                   "store_path": gl[3]["path"]})
    ensure(r["state"] == "verifying" and r["started"] is not None, f"record started -> {r}")
    c.wait_event(lambda e: e["params"]["topic"] == "status" and
                 e["params"]["data"]["verification"]["state"] == "verifying", T.event,
                 "status (verification verifying)")
    r = c.call("verify.record", {"generation": 3, "outcome": "passed"})
    expect_error(r, -32005, ..., "a pass of generation 3, which is not the booted one: ")
    r = c.call("verify.record", {"generation": 3, "outcome": "started", "store_path": "/nix/x"})
    expect_error(r, -32005, ..., "a store_path that is not generation 3's: ")
    r = c.call("verify.record", {"generation": 99, "outcome": "started"})
    expect_error(r, -32003, ..., "generation 99: ")
    r = c.call("verify.get", {"generation": 99})
    expect_error(r, -32003, ..., "verify.get 99: ")
    for params in ({"generation": 3}, {"generation": 3, "outcome": "maybe"},
                   {"generation": 0, "outcome": "started"}, {"outcome": "started"}):
        expect_error(c.call("verify.record", params), -32602, ..., f"{json.dumps(params)}: ")
    # §6.16 params table: reason at most 4096 bytes, step at most 64.
    for name, size in (("reason", 4097), ("step", 65)):
        e = expect_error(c.call("verify.record", {"generation": 3, "outcome": "failed", name: "x" * size}),
                         -32602, ..., f"{name} of {size} bytes: ")
        ensure(name in e["message"], f"the message does not name {name}: {e['message']!r}")
    ensure(c.result("status")["verification"]["state"] == "verifying",
           "a refused verify.record changed the verification")
    g1 = c.result("verify.get", {"generation": 1})
    ensure(g1["state"] == "unverified" and g1["evidence"] is None, f"verify.get 1 -> {g1}")
    c.close()
    return "unverified -> verifying (result, status, event); pass refused off the booted " \
           "generation; -32003/-32005/-32602"


# ---- §6.14 / §6.15 subscribe, unsubscribe --------------------------------------------------------

def c_subscribe_topics():
    """§6.14: result = every topic now subscribed, sorted in byte order; re-subscribing is
    harmless; an empty list is allowed."""
    c = FX.conn()
    r = c.result("subscribe", {"topics": []})
    ensure(r["topics"] == [], f"subscribe [] on a fresh connection -> {r}")
    r = c.result("subscribe", {"topics": ["status", "units", "jobs", "generations", "status"]})
    ensure(r["topics"] == ["generations", "jobs", "status", "units"], f"-> {r}")
    r = c.result("subscribe", {"topics": ["status"]})
    ensure(r["topics"] == ["generations", "jobs", "status", "units"], f"again -> {r}")
    r = c.result("subscribe", {"topics": []})
    ensure(r["topics"] == ["generations", "jobs", "status", "units"], f"[] -> {r}")
    c.ping()
    ensure(not c.events, f"events without a change: {c.events[:2]}")
    c.close()
    return "all four fixed topics accepted, result sorted, duplicates and [] harmless"


def c_subscribe_invalid():
    """§6.14: -32602 for a missing/wrong-typed topics or an unknown topic (also "log:")."""
    c = FX.conn()
    out = []
    for params, field in [({}, "topics"), ({"topics": None}, "topics"),
                          ({"topics": "status"}, "topics"), ({"topics": {"a": 1}}, "topics"),
                          ({"topics": [5]}, None), ({"topics": [None]}, None),
                          ({"topics": ["nope"]}, "nope"), ({"topics": ["log:"]}, "log:"),
                          ({"topics": ["Status"]}, "Status"), ({"topics": ["log"]}, None),
                          ({"topics": ["status", "nope"]}, "nope")]:
        r = c.call("subscribe", params)
        e = expect_error(r, -32602, ..., f"subscribe {json.dumps(params)}: ")
        if field:
            ensure(field in e["message"], f"subscribe {json.dumps(params)}: message does not "
                   f"name {field!r}: {e['message']!r}")
        out.append(json.dumps(params.get("topics", "missing")))
    c.ping()
    c.close()
    return "-32602 for " + ", ".join(out)


def c_subscribe_log_unknown_job():
    """§6.14 / §7: subscribe to log:<id> of a job that does not exist answers -32003 (any
    non-empty text after "log:" is a topic name)."""
    c = FX.conn()
    bad = []
    for t in ("log:99", "log:abc"):
        r = c.call("subscribe", {"topics": [t]})
        if not ("error" in r and r["error"]["code"] == -32003):
            bad.append(f"-> {{\"method\":\"subscribe\",\"params\":{{\"topics\":[\"{t}\"]}}}}"
                       f" <- {json.dumps(r, separators=(',', ':'))}")
    c.close()
    ensure(not bad, "no job exists, expected -32003: " + " ; ".join(bad))
    return "log:99 and log:abc -> -32003"


def c_unsubscribe():
    """§6.15: removes topics; removing an absent topic is harmless; names are validated."""
    c = FX.conn()
    c.result("subscribe", {"topics": ["generations", "jobs", "status", "units"]})
    r = c.result("unsubscribe", {"topics": ["units", "log:99"]})
    ensure(r["topics"] == ["generations", "jobs", "status"], f"unsubscribe -> {r}")
    r = c.result("unsubscribe", {"topics": ["units"]})
    ensure(r["topics"] == ["generations", "jobs", "status"], f"unsubscribe again -> {r}")
    r = c.result("unsubscribe", {"topics": []})
    ensure(r["topics"] == ["generations", "jobs", "status"], f"unsubscribe [] -> {r}")
    for params in ({}, {"topics": ["nope"]}, {"topics": "jobs"}, {"topics": ["log:"]},
                   {"topics": [1]}):
        r = c.call("unsubscribe", params)
        expect_error(r, -32602, ..., f"unsubscribe {json.dumps(params)}: ")
    r = c.result("unsubscribe", {"topics": ["generations", "jobs", "status"]})
    ensure(r["topics"] == [], f"unsubscribe all -> {r}")
    c.ping()
    c.close()
    return "removes, absent topics (units, log:99) harmless, 5 bad params -> -32602"


def c_events_on_new_generation():
    """§7: subscribe, fetch state, then a new generation appears and becomes the default."""
    a = FX.conn()
    b = FX.conn()                       # not subscribed: must get no events
    r = a.result("subscribe", {"topics": ["generations", "status"]})
    ensure(r["topics"] == ["generations", "status"], f"subscribe -> {r}")
    a.result("status")
    a.result("generations.list")
    time.sleep(0.3 * T.factor)
    a.ping()
    ensure(not a.events, "§7: events carry changes, not the initial state, but got "
           f"{[json.dumps(e)[:100] for e in a.events]}")
    FX.add_generation(4, revision="4444444")
    FX.set_default(4)
    ge = a.wait_event(lambda e: e["params"]["topic"] == "generations" and
                      [g["number"] for g in e["params"]["data"]["generations"]] == [4, 3, 2, 1]
                      and e["params"]["data"]["generations"][0]["default"], T.event,
                      "generations (generation 4 as default)")
    se = a.wait_event(lambda e: e["params"]["topic"] == "status" and
                      e["params"]["data"]["generations"]["default"] == 4, T.event,
                      "status (default 4)")
    check_generation_list(ge["params"]["data"]["generations"], [4, 3, 2, 1],
                          {"default": 4, "current": 3, "booted": 2, "known_good": ...})
    s = se["params"]["data"]
    ensure(s["generations"]["current"] == 3 and s["generations"]["booted"] == 2,
           f"status event generations {s['generations']}")
    ensure(s["boot_pending"] is True, "boot_pending must be true: default 4 != current 3")
    ensure(s["restart_pending"] is True, "restart_pending must be true: current 3 != booted 2")
    # the state fetched now equals the last event's
    gl = a.result("generations.list")
    last = [e for e in a.events if e["params"]["topic"] == "generations"][-1]
    ensure(gl == last["params"]["data"], "generations.list differs from the last event's data")
    b.ping()
    ensure(not b.events, f"an unsubscribed connection got events: {b.events[:1]}")
    CTX.events_conn = a
    b.close()
    n_g = sum(1 for e in a.events if e["params"]["topic"] == "generations")
    n_s = sum(1 for e in a.events if e["params"]["topic"] == "status")
    return (f"{n_g} generations and {n_s} status events of the documented shape; final state "
            "default 4, boot_pending; unsubscribed connection got none")


def c_unsubscribe_stops_events():
    a = CTX.events_conn
    r = a.result("unsubscribe", {"topics": ["generations"]})
    ensure(r["topics"] == ["status"], f"unsubscribe -> {r}")
    a.events.clear()
    m = FX.conn()
    m.result("generations.mark_good", {"number": 4})
    m.close()
    a.wait_event(lambda e: e["params"]["topic"] == "status" and
                 e["params"]["data"]["generations"]["known_good"] == 4, T.event,
                 "status (known_good 4)")
    time.sleep(0.5 * T.factor)
    a.ping()
    topics = [e["params"]["topic"] for e in a.events]
    ensure("generations" not in topics, f"generations event after unsubscribe: {topics}")
    a.close()
    return "status event still delivered, no generations event after unsubscribe"


def c_current_unknown():
    """§8 GenerationTriple: current is null when /run/current-system is not any generation;
    restart_pending and boot_pending are then false."""
    c = FX.conn()
    c.result("subscribe", {"topics": ["status"]})
    other = os.path.join(FX.store, "not-a-generation")
    os.makedirs(other, exist_ok=True)
    FX.set_link(FX.current, other)
    try:
        deadline = time.monotonic() + T.event
        while True:
            s = c.result("status")
            if s["generations"]["current"] is None:
                break
            ensure(time.monotonic() < deadline, f"status still says current "
                   f"{s['generations']['current']} {T.event:.0f}s after current-system was "
                   "pointed elsewhere")
            time.sleep(0.2)
        ensure(s["restart_pending"] is False and s["boot_pending"] is False,
               f"with current unknown: restart_pending {s['restart_pending']}, boot_pending "
               f"{s['boot_pending']} (§8: both false when one of the two is unknown)")
        gl = c.result("generations.list")["generations"]
        ensure(not any(g["current"] for g in gl), "a generation is still marked current")
        c.wait_event(lambda e: e["params"]["topic"] == "status" and
                     e["params"]["data"]["generations"]["current"] is None, T.event,
                     "status (current null)")
    finally:
        FX.set_link(FX.current, FX.gens[3]["path"])
    deadline = time.monotonic() + T.event
    while c.result("status")["generations"]["current"] != 3:
        ensure(time.monotonic() < deadline, "current not back to 3 after restoring the link")
        time.sleep(0.2)
    c.close()
    return "current null, both pending flags false, status event sent; back to 3 afterwards"


def c_problem_generation():
    """§8 Generation.problem, §6.7 -32005 for a generation with a problem."""
    c = FX.conn()
    c.result("subscribe", {"topics": ["generations"]})
    FX.add_generation(5, dangling=True)
    e = c.wait_event(lambda e: e["params"]["topic"] == "generations" and
                     e["params"]["data"]["generations"][0]["number"] == 5, T.event,
                     "generations (dangling generation 5)")
    g5 = e["params"]["data"]["generations"][0]
    ensure(isinstance(g5["problem"], str) and g5["problem"],
           f"generation 5 points to a missing store path but problem is {g5['problem']!r}")
    ensure(g5["path"] == FX.gens[5]["path"], f"path {g5['path']!r}")
    ensure(not g5["default"] and not g5["current"] and not g5["booted"], f"marks {g5}")
    r = c.call("generations.mark_good", {"number": 5})
    expect_error(r, -32005, ..., "mark_good of a generation with a problem: ")
    c.close()
    return f"problem {g5['problem']!r}; mark_good 5 -> -32005"


# ---- §3.1 read-only peer ---------------------------------------------------------------------------

def connect_as(uid, gid, path):
    """A Unix connection made by a process running as uid/gid (SO_PEERCRED is taken at
    connect time), handed back to us over a socketpair."""
    parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    pid = os.fork()
    if pid == 0:
        try:
            parent.close()
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            socket.send_fds(child, [b"ok"], [s.fileno()])
            os._exit(0)
        except BaseException as e:       # noqa: B036 - report anything to the parent
            try:
                child.sendall(b"ERR " + repr(e).encode())
            finally:
                os._exit(1)
    child.close()
    msg, fds, _, _ = socket.recv_fds(parent, 1024, 1)
    os.waitpid(pid, 0)
    parent.close()
    ensure(fds, f"child could not connect: {msg!r}")
    return Conn(socket.socket(fileno=fds[0]), "unix-nobody")


def c_read_only_peer():
    if os.geteuid() != 0:
        return "skipped: needs root to connect as another uid"
    dirs = [FX.tmp, os.path.dirname(FX.sock)]
    saved = [(p, stat.S_IMODE(os.stat(p).st_mode)) for p in dirs + [FX.sock]]
    try:
        for p in dirs:
            os.chmod(p, 0o755)
        os.chmod(FX.sock, 0o666)
        c = connect_as(65534, 65534, FX.sock)
    finally:
        for p, mode in saved:
            os.chmod(p, mode)
    res = c.hello()
    ensure(res["authorized"] is False, "uid 65534 (no group configured) must be read-only")
    ensure(res["methods"] == CTX.methods, f"methods differ for a read-only peer: {res['methods']}")
    kg = c.result("status")["generations"]["known_good"]
    c.result("generations.list")
    c.result("units.list")
    c.result("jobs.list")
    c.result("subscribe", {"topics": ["status", "jobs"]})
    # §3.4: logs are confidential; before the job is looked up (there is no job 1 here).
    expect_error(c.call("subscribe", {"topics": ["units", "log:1"]}), -32001, ...,
                 "read-only subscribe to log:1: ")
    out = []
    for m in MUTATING + CONFIDENTIAL:
        for params in ({"number": 1, "id": "1", "kind": "gc", "keep": 1, "unit": "a.service"},
                       {"bogus": "x"}):
            r = c.call(m, params)
            if m in CTX.methods:
                expect_error(r, -32001, ..., f"read-only {m} {json.dumps(params)}: ")
            else:
                expect_error(r, -32601, ..., f"read-only unimplemented {m}: ")
        out.append(f"{m}:{'-32001' if m in CTX.methods else '-32601'}")
    c.ping()
    ensure(c.result("status")["generations"]["known_good"] == kg, "known_good changed")
    c.close()
    return ("authorized false, reads work; " + ", ".join(out) + ", log:1 -32001"
            " (also with invalid params: checked before params)")


# ---- §3.2 TCP -------------------------------------------------------------------------------------

def tcp_refused(lines, code, id_):
    """Sends the lines over a new TCP connection; the last one gets `code` and the connection is
    closed (§3.2, §4.2). Returns the error."""
    c = Conn.tcp(FX.port)
    for line in lines[:-1]:
        c.send(line)
        c.read_msg(T.resp)
    c.send(lines[-1])
    msgs = c.expect_close(T.close)
    c.close()
    ensure(len(msgs) == 1, f"expected one error then close: {[json.dumps(m) for m in msgs]}")
    return expect_error(msgs[0], code, id_)


def request(id_, method, params):
    return {"jsonrpc": "2.0", "id": id_, "method": method, "params": params}


def c_tcp_hello_refused():
    """§3.2: a hello over TCP without a valid nonce -> -32602; of protocol 1 (which would send
    the token) -> -32600 with data {"protocol": 2}; closed."""
    out = []
    for name, params in [("no-nonce", {"protocol": 2, "client": "c/1"}),
                         ("short", {"protocol": 2, "client": "c/1", "nonce": "ab" * 31}),
                         ("uppercase", {"protocol": 2, "client": "c/1", "nonce": "AB" * 32}),
                         ("not-hex", {"protocol": 2, "client": "c/1", "nonce": "zz" * 32}),
                         ("number", {"protocol": 2, "client": "c/1", "nonce": 5})]:
        tcp_refused([request(1, "hello", params)], -32602, 1)
        out.append(name)
    e = tcp_refused([request(1, "hello", {"protocol": 1, "client": "c/1", "token": FX.token()})],
                    -32600, 1)
    ensure(e.get("data") == {"protocol": 2}, f"data {e.get('data')}, expected {{\"protocol\": 2}}")
    return f"-32602 for nonce {', '.join(out)}; protocol 1 -32600 data {{protocol: 2}}"


def c_tcp_before_auth():
    """§3.2: between hello and auth only auth is answered; a wrong proof -> -32001, closed."""
    tok = FX.token()
    nc = os.urandom(32).hex()
    hello = request(1, "hello", {"protocol": 2, "client": "c/1", "nonce": nc})
    out = []
    tcp_refused([hello, request(2, "status", {})], -32001, 2)
    out.append("status -32001")
    tcp_refused([hello, request(2, "generations.mark_good", {"number": 1})], -32001, 2)
    out.append("mark_good -32001")
    tcp_refused([hello, request(2, "auth", {"proof": "00" * 32})], -32001, 2)
    out.append("wrong proof -32001")
    # Reflection (§3.2): the agent's own proof is no client proof.
    c = Conn.tcp(FX.port)
    c.send(hello)
    res = c.read_msg(T.resp)["result"]
    c.send(request(2, "auth", {"proof": res["proof"]}))
    msgs = c.expect_close(T.close)
    c.close()
    expect_error(msgs[0], -32001, 2)
    out.append("its own proof reflected -32001")
    # A proof over the right labels but with another token.
    c = Conn.tcp(FX.port)
    c.send(hello)
    res = c.read_msg(T.resp)["result"]
    c.send(request(2, "auth", {"proof": proof("0" * 64, CLIENT_LABEL, res["nonce"], nc)}))
    msgs = c.expect_close(T.close)
    c.close()
    expect_error(msgs[0], -32001, 2)
    out.append("another token's proof -32001")
    tcp_refused([hello, request(2, "auth", {})], -32602, 2)
    out.append("no proof -32602")
    tcp_refused([hello, request(2, "hello", {"protocol": 2, "client": "c/1", "nonce": nc})],
                -32600, 2)
    out.append("hello again -32600")
    tcp_refused([request(1, "auth", {"proof": proof(tok, CLIENT_LABEL, nc, nc)})], -32600, 1)
    out.append("auth first -32600")
    return ", ".join(out) + "; each closed"


def c_tcp_handshake():
    """§3.2: the agent proves the token, the client proves it, then the connection is
    authorized; the token never appears in what the agent sends."""
    tok = FX.token()
    c = Conn.tcp(FX.port)
    res, auth = c.authenticate(tok)
    ensure(tok not in json.dumps(res), "the agent sent the token")
    ensure(res["methods"] == CTX.methods, "methods differ on TCP")
    ensure("result" in auth and auth["result"] == {"authorized": True}, f"auth -> {auth}")
    kg = c.result("status")["generations"]["known_good"]
    target = kg if kg is not None else 3
    r = c.result("generations.mark_good", {"number": target})
    ensure(r["known_good"] == target, f"mark_good on TCP -> {r}")
    c.result("generations.list")
    expect_error(c.call("auth", {"proof": "00" * 32}), -32600, ..., "a second auth: ")
    c.ping()
    # Fresh nonces: another handshake gets another agent nonce.
    c2 = Conn.tcp(FX.port)
    res2, _ = c2.authenticate(tok)
    ensure(res2["nonce"] != res["nonce"], "the agent's nonce repeated")
    c2.close()
    c.close()
    return f"proofs as §3.2 computes them, authorized, reads and mark_good ({target}) work over TCP"


def c_tcp_first_line():
    c = Conn.tcp(FX.port)
    c.send_raw(b'{"jsonrpc":"2.0","id":4,"method":"status"}\n')
    msgs = c.expect_close(T.close)
    c.close()
    ensure(len(msgs) == 1, f"{msgs}")
    expect_error(msgs[0], -32600, 4)
    return "-32600 and closed on TCP too"


# ---- §2 concurrency ---------------------------------------------------------------------------------

def c_too_many_in_flight():
    """§4.3: at most 64 requests of a connection are answered at a time; the excess gets -32006
    with data {"limit": 64}; every request gets exactly one answer; the connection stays open.
    verify.preflight reads the disk on a worker, so a burst of them is in flight together."""
    c = FX.conn()
    n = 200
    c.send_raw(b"".join(compact(request(i, "verify.preflight", {"number": 3})) + b"\n"
                        for i in range(n)))
    answers = {}
    deadline = time.monotonic() + T.resp * 4
    while len(answers) < n:
        m = c.read_msg(max(0.01, deadline - time.monotonic()))
        ensure(m is not None, "connection closed")
        if m.get("method") == "event":
            continue
        ensure(m["id"] not in answers, f"id {m['id']} answered twice")
        answers[m["id"]] = m
    refused = [m for m in answers.values() if "error" in m]
    for m in refused:
        expect_error(m, -32006, m["id"])
        ensure(m["error"].get("data") == {"limit": MAX_IN_FLIGHT}, f"data {m['error'].get('data')}")
    ensure(n - len(refused) >= MAX_IN_FLIGHT, f"only {n - len(refused)} answered")
    c.ping()
    c.close()
    return f"{n - len(refused)} answered, {len(refused)} refused with -32006 (limit 64), each once"


def c_in_flight():
    """§2: several requests without waiting; responses matched by id, in any order."""
    c = FX.conn()
    reqs = []
    for i in range(40):
        rid = i if i % 2 else f"s{i}"
        kind = i % 4
        if kind == 0:
            reqs.append((rid, "status", {}, "result"))
        elif kind == 1:
            reqs.append((rid, "generations.list", {}, "result"))
        elif kind == 2:
            reqs.append((rid, "no.such", {}, -32601))
        else:
            reqs.append((rid, "generations.mark_good", {"number": 0}, -32602))
    c.send_raw(b"".join(compact({"jsonrpc": "2.0", "id": r, "method": m, "params": p}) + b"\n"
                        for r, m, p, _ in reqs))
    seen = {}
    deadline = time.monotonic() + T.resp * 2
    while len(seen) < len(reqs):
        m = c.next_message(max(0.01, deadline - time.monotonic()))
        ensure(m is not None, "closed")
        key = (type(m["id"]).__name__, m["id"])
        ensure(key not in seen, f"id {m['id']!r} answered twice")
        seen[key] = m
    for rid, method, _, want in reqs:
        m = seen[(type(rid).__name__, rid)]
        if want == "result":
            ensure("result" in m, f"{method} id {rid!r}: {json.dumps(m)[:150]}")
        else:
            expect_error(m, want, rid)
    order = [k[1] for k in seen]
    c.close()
    return (f"{len(reqs)} pipelined requests (int and string ids) each answered once, "
            f"{'in order' if order == [r[0] for r in reqs] else 'out of order'}")


def c_many_connections():
    errors = []

    def worker(k):
        try:
            c = FX.conn()
            ids = list(range(k * 100, k * 100 + 25))
            c.send_raw(b"".join(compact({"jsonrpc": "2.0", "id": i, "method": "status"}) + b"\n"
                                for i in ids))
            for i in ids:
                r = c.wait_response(i, T.resp * 2)
                if "result" not in r:
                    errors.append(json.dumps(r)[:100])
            c.close()
        except Exception as e:      # noqa: BLE001
            errors.append(f"conn {k}: {e}")

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ensure(not errors, "; ".join(errors[:3]))
    return "12 concurrent connections x 25 pipelined requests answered"


# ---- §4 deadlines (run in parallel) ----------------------------------------------------------------

def wait_eof(c, timeout):
    """(seconds until EOF, bytes received before it)."""
    t0 = time.monotonic()
    data = b""
    while True:
        left = timeout - (time.monotonic() - t0)
        if left <= 0:
            raise Fail(f"connection still open after {timeout:.1f}s")
        r, _, _ = select.select([c.sock], [], [], left)
        if r:
            try:
                chunk = c.sock.recv(65536)
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                return time.monotonic() - t0, data
            data += chunk


def c_hello_deadline_idle():
    """§4.2: no hello within hello-timeout -> closed without a message."""
    c = Conn.unix(FX.sock)
    dt, data = wait_eof(c, T.hello + T.margin + 5)
    c.close()
    ensure(data == b"", f"the agent sent {data[:200]!r} before closing")
    ensure(dt >= T.hello - 0.3, f"closed after {dt:.2f}s, before hello-timeout {T.hello}s")
    ensure(dt <= T.hello + T.margin, f"closed after {dt:.2f}s (hello-timeout {T.hello}s)")
    return f"closed after {dt:.2f}s (hello-timeout {T.hello}s), no message"


def c_tcp_handshake_deadline():
    """§4.2: over TCP the whole handshake must be done within hello-timeout: a client that says
    hello and never sends auth is closed without a further message."""
    c = Conn.tcp(FX.port)
    t0 = time.monotonic()
    c.send(request(1, "hello", {"protocol": 2, "client": "c/1", "nonce": os.urandom(32).hex()}))
    ensure("result" in c.read_msg(T.resp), "hello over TCP not answered")
    _, data = wait_eof(c, T.hello + T.margin + 5)
    dt = time.monotonic() - t0
    c.close()
    ensure(not data, f"a message before closing: {data[:200]!r}")
    ensure(dt <= T.hello + T.margin, f"closed after {dt:.2f}s (hello-timeout {T.hello}s)")
    return f"closed {dt:.2f}s after connecting (hello-timeout {T.hello}s)"


def c_hello_deadline_partial():
    """§4.2: hello must arrive complete within hello-timeout."""
    c = Conn.unix(FX.sock)
    c.send_raw(HELLO_LINE[:30])
    dt, data = wait_eof(c, T.hello + T.margin + 5)
    c.close()
    ensure(data == b"", f"the agent sent {data[:200]!r}")
    ensure(T.hello - 0.3 <= dt <= T.hello + T.margin, f"closed after {dt:.2f}s")
    return f"incomplete hello line: closed after {dt:.2f}s, no message"


def c_hello_deadline_empty_line(payload):
    """§2: empty lines are not messages; §4.2: the hello line must arrive complete within
    hello-timeout *of connecting*, otherwise the agent closes without a message.  So an empty
    line (a keep-alive) sent right after connecting must not keep a hello-less connection open."""
    c = Conn.unix(FX.sock)
    c.send_raw(payload)
    limit = T.hello + T.margin + 5
    try:
        dt, data = wait_eof(c, limit)
    except Fail:
        c.close()
        raise Fail(f"sent {payload!r} right after connecting, then nothing: the connection was "
                   f"still open {limit:.0f}s later (hello-timeout {T.hello}s)")
    c.close()
    ensure(data == b"", f"the agent sent {data[:200]!r}")
    ensure(dt <= T.hello + T.margin, f"closed after {dt:.2f}s")
    return f"{payload!r} then silence: closed after {dt:.2f}s, no message"


def c_client_timeout_partial_line():
    """§4.4: once a line has started, the rest must arrive within client-timeout; more bytes
    do not extend the deadline; closed without an error message."""
    c = FX.conn()
    c.send_raw(b'{"jsonrpc":"2.0",')
    t0 = time.monotonic()
    stop = threading.Event()

    def dribble():
        for ch in b'"id":1,"method":"status","params":{"p":"' + b"x" * 1000:
            if stop.wait(0.4):
                return
            try:
                c.send_raw(bytes([ch]))
            except OSError:
                return
    th = threading.Thread(target=dribble)
    th.start()
    try:
        _, data = wait_eof(c, T.client + T.margin + 5)
    finally:
        stop.set()
        th.join()
    dt = time.monotonic() - t0
    c.close()
    ensure(data == b"", f"the agent sent {data[:200]!r} before closing")
    ensure(T.client - 0.3 <= dt <= T.client + T.margin,
           f"closed {dt:.2f}s after the line started (client-timeout {T.client}s)")
    return f"closed {dt:.2f}s after the line started, no message, despite a byte every 0.4s"


def c_no_idle_timeout():
    """§4.3: after hello the connection stays open even when idle."""
    c = FX.conn()
    time.sleep(max(T.hello, T.client) + 1.5)
    c.ping()
    c.close()
    return f"idle {max(T.hello, T.client) + 1.5:.1f}s after hello, still answers"


def c_slow_reader_dropped():
    """§4.4: a client that does not read is dropped (write deadline / 16 MiB queue), without an
    error message."""
    c = FX.conn()
    n = 20_000
    payload = b"".join(b'{"jsonrpc":"2.0","id":%d,"method":"generations.list"}\n' % i
                       for i in range(n))
    sent = [0]

    def sender():
        try:
            c.sock.settimeout(T.client + T.margin + 10)
            c.sock.sendall(payload)
            sent[0] = len(payload)
        except OSError:
            pass
    th = threading.Thread(target=sender)
    th.start()
    # The write deadline runs from the moment a write stalls, which is only once the agent has
    # filled the socket's buffer: on a loaded machine that takes seconds, so wait two deadlines.
    time.sleep(2 * T.client + 1.5)
    # now read everything the agent wrote before it gave up
    c.sock.setblocking(True)
    responses = 0
    errors = []
    deadline = time.monotonic() + T.client + T.margin + 20
    buf = b""
    closed = False
    while time.monotonic() < deadline:
        r, _, _ = select.select([c.sock], [], [], 1)
        if not r:
            continue
        try:
            chunk = c.sock.recv(1 << 20)
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            closed = True
            break
        buf += chunk
        lines = buf.split(b"\n")
        buf = lines.pop()
        for line in lines:
            responses += 1
            if b'"error"' in line[:200]:
                errors.append(line[:200])
    th.join()
    c.close()
    ensure(closed, f"still open; {responses} of {n} responses read")
    ensure(responses < n, f"all {n} responses arrived: the client was never dropped")
    ensure(not errors, f"error messages sent: {errors[:2]}")
    return f"dropped after {responses} of {n} responses, no error message"


# ---- §3.3 bridge, §4.5 close ----------------------------------------------------------------------

def c_half_close():
    """§3.3 relies on it: after the client half-closes (stdin of the bridge closed), the agent's
    answers to the requests already sent still arrive, then the agent closes."""
    c = Conn.unix(FX.sock)
    c.send_raw(HELLO_LINE + b'{"jsonrpc":"2.0","id":2,"method":"status"}\n'
               b'{"jsonrpc":"2.0","id":3,"method":"generations.list"}\n')
    c.sock.shutdown(socket.SHUT_WR)
    msgs = c.expect_close(T.close)
    c.close()
    ids = sorted(m.get("id") for m in msgs if "result" in m)
    ensure(ids == [1, 2, 3], f"after half-close got {[json.dumps(m)[:100] for m in msgs]}")
    return "3 answers after the half-close, then closed by the agent"


def c_bridge():
    """§3.3: `nixtray-agent bridge` relays stdin/stdout to the agent's socket; after stdin closes
    it keeps relaying until the agent closes, then exits.  (How the bridge is pointed at a
    non-default socket is not in protocol.md; this uses the binary's --socket option.)"""
    cfg = os.path.join(FX.tmp, "config.json")
    cmd = [FX.agent, "--socket", FX.sock, "--config", cfg, "bridge"]
    t0 = time.monotonic()
    try:
        p = subprocess.run(cmd, input=HELLO_LINE + b'{"jsonrpc":"2.0","id":2,"method":"status"}\n',
                           capture_output=True, timeout=T.close + 5)
    except subprocess.TimeoutExpired:
        raise Fail(f"the bridge did not exit within {T.close + 5:.0f}s after its stdin closed")
    out = [json.loads(x) for x in p.stdout.split(b"\n") if x.strip()]
    ensure(len(out) == 2 and all("result" in m for m in out),
           f"bridge stdout {p.stdout[:300]!r}, stderr {p.stderr[:300]!r}, exit {p.returncode}")
    ensure(out[0]["id"] == 1 and out[0]["result"]["authorized"] is True,
           "hello through the bridge: root must be authorized (§3.3 bridge uid rules)")
    return (f"hello and status relayed, authorized, bridge exited with {p.returncode} after "
            f"{time.monotonic() - t0:.2f}s")


# ---- §6.5 unreadable profile ----------------------------------------------------------------------

def c_profile_unreadable():
    """§6.5: generations.list answers -32603 when the profile directory cannot be read (the
    message says why); the connection stays open."""
    c = FX.conn()
    away = FX.profiles + ".away"
    os.rename(FX.profiles, away)
    try:
        with open(FX.profiles, "w") as f:
            f.write("not a directory\n")
        # the document does not say whether results may lag behind the disk: poll
        deadline = time.monotonic() + T.event
        while True:
            r = c.call("generations.list")
            if "error" in r or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        e = expect_error(r, -32603, ..., f"profile directory replaced by a file, "
                         f"{T.event:.0f}s later: ")
        ensure(e["message"], "empty message")
        c.ping()
    finally:
        os.unlink(FX.profiles)
        os.rename(away, FX.profiles)
    deadline = time.monotonic() + T.event
    while "result" not in c.call("generations.list"):
        ensure(time.monotonic() < deadline, "generations.list still fails after restoring")
        time.sleep(0.2)
    c.close()
    return f"-32603 {e['message'][:80]!r}; connection usable, list back afterwards"


# ---- final: everything the agent sent ----------------------------------------------------------

def c_all_output():
    probs = OUTPUT["problems"]
    ensure(not probs, f"{len(probs)} bad lines: " + " | ".join(probs[:4]))
    return (f"{OUTPUT['lines']} lines ({OUTPUT['events']} events): compact UTF-8 JSON, envelope "
            "and schemas as documented, error data only where documented")


# =================================================================================================

def agent_checks():
    """Part 2: the agent, in order (later checks change the profile)."""
    FX.build_profile()
    try:
        FX.start()
    except Exception as e:      # noqa: BLE001
        record("agent/start", False, str(e))
        return
    print(f"agent pid {FX.proc.pid}, socket {FX.sock}, tcp 127.0.0.1:{FX.port}, "
          f"hello-timeout {T.hello}s, client-timeout {T.client}s", flush=True)
    run_check("files/socket-modes", c_socket_modes)
    run_check("files/token", c_token_file)
    run_check("hello/result", c_hello_result)
    if not hasattr(CTX, "methods"):
        return
    run_check("hello/listed-methods-implemented", c_hello_listed_methods_answer)
    run_check("hello/protocol-versions", c_hello_protocol_any)
    run_check("hello/unknown-params-nonce-and-token-on-unix", c_hello_unknown_params_and_token_on_unix)
    run_check("hello/pipelined", c_hello_pipelined)
    run_check("hello/twice", c_hello_twice)
    for name, params, field in [
            ("no-params", ..., "protocol"), ("empty", {}, "protocol"),
            ("missing-client", {"protocol": 1}, "client"),
            ("missing-protocol", {"client": "c/1"}, "protocol"),
            ("protocol-null", {"protocol": None, "client": "c/1"}, "protocol"),
            ("protocol-0", {"protocol": 0, "client": "c/1"}, "protocol"),
            ("protocol-1000001", {"protocol": 1_000_001, "client": "c/1"}, "protocol"),
            ("protocol-string", {"protocol": "1", "client": "c/1"}, "protocol"),
            ("client-number", {"protocol": 1, "client": 5}, "client")]:
        run_check(f"hello/invalid-params/{name}", c_hello_invalid_params, params, field)
    for name, data, code, id_ in FIRST_LINE_CASES:
        if data is not None:
            run_check(name, first_line_case, data, code, id_)
    run_check("first/depth-65", c_first_depth_65)
    run_check("first/depth-64-ok", c_first_depth_64_ok)
    run_check("first/oversize", c_first_oversize)
    run_check("first/at-handshake-limit", c_first_at_handshake_limit)
    run_check("first/keepalive-before-hello", c_first_keepalive)
    run_check("framing/split-writes", c_split_writes)
    run_check("framing/two-in-one-write", c_two_in_one_write)
    run_check("framing/crlf", c_crlf)
    run_check("framing/empty-lines", c_empty_lines_after_hello)
    run_check("framing/agent-output-compact", c_output_compact)
    for name, line, code, id_ in ENVELOPE_CASES:
        run_check(name, c_envelope_case, line, code, id_)
    run_check("envelope/wrong-jsonrpc-version", c_wrong_jsonrpc_version)
    run_check("envelope/params-omitted-or-null", c_params_omitted_or_null)
    run_check("envelope/unknown-params-ignored", c_unknown_params_ignored)
    run_check("envelope/notifications-and-responses-ignored", c_notifications_ignored)
    run_check("id/echo", c_id_echo)
    run_check("id/echo-in-errors", c_id_echo_errors)
    run_check("utf8/invalid-replaced", c_invalid_utf8)
    run_check("utf8/agent-output", c_output_utf8)
    run_check("size/exact-limit", c_size_exact_limit)
    run_check("size/over-limit-before-newline", c_size_over_no_newline)
    run_check("size/cr-counts", c_size_over_with_cr)
    run_check("size/far-over-limit", c_size_over_big)
    run_check("depth/64-vs-65", c_depth)
    run_check("methods/unimplemented", c_unimplemented)
    run_check("status/semantics", c_status_semantics)
    if hasattr(CTX, "status0"):
        run_check("status/known-good-first-boot", c_status_known_good_initially_null)
    run_check("generations.list/order-and-marks", c_generations_list)
    run_check("mark_good/status-list-events", c_mark_good)
    run_check("mark_good/errors", c_mark_good_errors)
    run_check("verify.record/verify.get", c_verification)
    run_check("subscribe/topics", c_subscribe_topics)
    run_check("subscribe/invalid-params", c_subscribe_invalid)
    run_check("subscribe/log-topic-of-unknown-job", c_subscribe_log_unknown_job)
    run_check("unsubscribe/semantics", c_unsubscribe)
    run_check("events/new-generation", c_events_on_new_generation)
    if hasattr(CTX, "events_conn"):
        run_check("events/unsubscribe-stops", c_unsubscribe_stops_events)
    run_check("status/current-unknown", c_current_unknown)
    run_check("generations/problem", c_problem_generation)
    run_check("auth/read-only-peer", c_read_only_peer)
    run_check("tcp/hello-refused", c_tcp_hello_refused)
    run_check("tcp/before-auth", c_tcp_before_auth)
    run_check("tcp/handshake", c_tcp_handshake)
    run_check("tcp/first-line-not-hello", c_tcp_first_line)
    run_check("concurrency/in-flight", c_in_flight)
    run_check("concurrency/too-many-in-flight", c_too_many_in_flight)
    run_check("concurrency/connections", c_many_connections)

    # Deadline checks wait for the agent's timers: run them side by side.
    timed = [("deadline/hello-idle", c_hello_deadline_idle),
             ("deadline/hello-partial-line", c_hello_deadline_partial),
             ("deadline/tcp-handshake", c_tcp_handshake_deadline),
             ("deadline/hello-after-empty-line", c_hello_deadline_empty_line, b"\n"),
             ("deadline/hello-after-crlf-line", c_hello_deadline_empty_line, b"\r\n"),
             ("deadline/client-timeout-partial-line", c_client_timeout_partial_line),
             ("deadline/no-idle-timeout-after-hello", c_no_idle_timeout),
             ("deadline/slow-reader-dropped", c_slow_reader_dropped)]
    threads = [threading.Thread(target=run_check, args=t, daemon=True) for t in timed if selected(t[0])]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    run_check("close/half-close", c_half_close)
    run_check("bridge/relay", c_bridge)
    run_check("generations.list/profile-unreadable", c_profile_unreadable)
    run_check("output/everything-the-agent-sent", c_all_output)
    if FX.proc.poll() is not None:
        record("agent/still-running", False, f"the agent exited with {FX.proc.returncode}")


def main():
    global T, FX, SECTION
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--agent", required=True, help="path of the nixtray-agent binary")
    ap.add_argument("--timeout-factor", type=float,
                    default=float(os.environ.get("NIXTRAY_TEST_TIMEOUT_FACTOR", "1") or 1),
                    help="scale every timeout (default: $NIXTRAY_TEST_TIMEOUT_FACTOR or 1)")
    ap.add_argument("--section", choices=sorted(SECTIONS),
                    help="run only this part of the document's checks (default: all)")
    args = ap.parse_args()
    SECTION = args.section
    T = Timeouts(max(args.timeout_factor, 0.1))
    t_start = time.monotonic()

    def on_term(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGTERM, on_term)

    print(f"nixtray protocol conformance: agent {args.agent}, timeout factor {T.factor}",
          flush=True)

    # Part 1: the document's examples and the golden files (no agent).
    run_check("golden/coverage", check_golden_coverage)
    for f in golden_files():
        run_check(f"golden/{f}", check_golden_file, f)
    run_check("doc/json-examples", check_doc_examples)

    # Part 2: the agent.
    if SECTION == "document":
        raise SystemExit(finish(t_start))
    FX = Fixture(os.path.abspath(args.agent), T)
    try:
        agent_checks()
    except KeyboardInterrupt as e:
        record("interrupted", False, str(e))
    finally:
        failed = any(not ok for _, ok, _ in RESULTS)
        if FX is not None:
            FX.stop()
            if failed:
                print("---- agent stderr (tail) ----\n" + FX.log_tail() +
                      "---- end of agent stderr ----", flush=True)
            FX.cleanup()
    raise SystemExit(finish(t_start))


def finish(t_start):
    for n in NOTES:
        print(f"NOTE {n}")
    passed = sum(1 for _, ok, _ in RESULTS if ok)
    failed = len(RESULTS) - passed
    print(f"SUMMARY {len(RESULTS)} checks: {passed} passed, {failed} failed "
          f"({time.monotonic() - t_start:.1f}s)", flush=True)
    return 0 if failed == 0 and RESULTS else 1


if __name__ == "__main__":
    main()

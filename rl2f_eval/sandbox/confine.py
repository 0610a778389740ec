"""Runs inside the sandbox, before any untrusted code: resource limits and Landlock.

This file is shipped as source text to a fresh `python -I -S` process (see `local.py`), so it
uses the standard library only and has no side effects at import. `confine(config)` applies,
in order:

- resource limits (`setrlimit`): CPU seconds, address space, processes, file size, open files,
  no core dumps. Limits are lowered with soft == hard (CPU: hard = soft + 1, so the soft limit's
  SIGXCPU comes first), and the process cannot raise them again without CAP_SYS_RESOURCE, which
  it does not have (the launcher drops root, or runs it in a user namespace).
- `no_new_privs`: no setuid binary or file capability can give privileges back.
- Landlock (Linux >= 5.13, where enabled): reads and execution only beneath the interpreter's
  installation and the system library directories, writes only beneath the working directory;
  TCP bind/connect denied (ABI >= 4); signals and abstract Unix sockets scoped to the sandbox
  (ABI >= 6), so it cannot signal or connect to anything outside it.

It returns the names of the layers it applied, so the verdict can say what isolation was in force.
"""

from __future__ import annotations

import ctypes
import os
import resource
import sys

# syscall numbers are the same on every architecture for these (added after the unification)
_SYS_CREATE_RULESET, _SYS_ADD_RULE, _SYS_RESTRICT_SELF = 444, 445, 446
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1
_PR_SET_NO_NEW_PRIVS = 38

# filesystem access rights, by the ABI that introduced them
_FS_EXECUTE, _FS_WRITE_FILE, _FS_READ_FILE, _FS_READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
_FS_ABI1 = (1 << 13) - 1  # EXECUTE .. MAKE_SYM
_FS_REFER, _FS_TRUNCATE, _FS_IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
_NET_BIND_TCP, _NET_CONNECT_TCP = 1 << 0, 1 << 1
_SCOPE_ABSTRACT_UNIX_SOCKET, _SCOPE_SIGNAL = 1 << 0, 1 << 1

_READ = _FS_EXECUTE | _FS_READ_FILE | _FS_READ_DIR
_FILE_RIGHTS = _FS_EXECUTE | _FS_WRITE_FILE | _FS_READ_FILE | _FS_TRUNCATE | _FS_IOCTL_DEV

# the system directories an interpreter and its extension modules load shared libraries from
SYSTEM_READ_PATHS = ("/usr", "/lib", "/lib64", "/lib32", "/libx32", "/etc/ld.so.cache")
DEVICES = ("/dev/null", "/dev/zero", "/dev/urandom", "/dev/random")


class _RulesetAttr(ctypes.Structure):
    _fields_ = [  # ctypes declares the layout as a class attribute
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),
        ("scoped", ctypes.c_uint64),
    ]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [
        ("allowed_access", ctypes.c_uint64),
        ("parent_fd", ctypes.c_int32),
    ]


def set_limits(limits: dict) -> None:
    def cap(which: int, soft: int, hard: int | None = None) -> None:
        hard = soft if hard is None else hard
        old_hard = resource.getrlimit(which)[1]
        if old_hard != resource.RLIM_INFINITY:  # never try to raise a limit that is lower
            soft, hard = min(soft, old_hard), min(hard, old_hard)
        resource.setrlimit(which, (soft, hard))

    cap(resource.RLIMIT_CPU, limits["cpu_s"], limits["cpu_s"] + 1)
    cap(resource.RLIMIT_AS, limits["memory_mb"] * 1024 * 1024)
    cap(resource.RLIMIT_NPROC, limits["processes"])
    cap(resource.RLIMIT_FSIZE, limits["file_bytes"])
    cap(resource.RLIMIT_NOFILE, limits["open_files"])
    cap(resource.RLIMIT_CORE, 0)


def landlock_abi(libc: ctypes.CDLL) -> int:
    """The Landlock ABI version the kernel offers (0: none or disabled)."""
    version = libc.syscall(_SYS_CREATE_RULESET, None, ctypes.c_size_t(0), _CREATE_RULESET_VERSION)
    return max(int(version), 0)


def apply_landlock(libc: ctypes.CDLL, abi: int, read_paths: list, write_paths: list) -> list:
    """Restrict this process (and its future children) with Landlock; returns the layers."""
    full = _FS_ABI1  # every right this ABI knows: all handled, so all denied unless allowed
    if abi >= 2:
        full |= _FS_REFER
    if abi >= 3:
        full |= _FS_TRUNCATE
    if abi >= 5:
        full |= _FS_IOCTL_DEV
    attr = _RulesetAttr(handled_access_fs=full)
    layers = ["landlock-fs"]
    size = 8
    if abi >= 4:  # no rules for TCP: every bind and connect is denied
        attr.handled_access_net = _NET_BIND_TCP | _NET_CONNECT_TCP
        layers.append("landlock-tcp")
        size = 16
    if abi >= 6:
        attr.scoped = _SCOPE_ABSTRACT_UNIX_SOCKET | _SCOPE_SIGNAL
        layers.append("landlock-scope")
        size = 24
    ruleset = libc.syscall(_SYS_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), 0)
    if ruleset < 0:
        raise OSError(ctypes.get_errno(), "landlock_create_ruleset failed")
    try:
        rules = [(path, _READ) for path in read_paths] + [(path, full) for path in write_paths]
        for path, access in rules:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue  # a directory this system does not have
            try:
                if not os.path.isdir(path):  # rights on directory entries are invalid for files
                    access &= _FILE_RIGHTS
                rule = _PathBeneathAttr(allowed_access=access, parent_fd=fd)
                if libc.syscall(_SYS_ADD_RULE, ruleset, _RULE_PATH_BENEATH, ctypes.byref(rule), 0):
                    raise OSError(ctypes.get_errno(), f"landlock_add_rule failed for {path}")
            finally:
                os.close(fd)
        if libc.syscall(_SYS_RESTRICT_SELF, ruleset, 0):
            raise OSError(ctypes.get_errno(), "landlock_restrict_self failed")
    finally:
        os.close(ruleset)
    return layers


def read_paths(workdir: str) -> list:
    """What the sandbox may read: this interpreter's installation, system libraries, devices."""
    interpreter = {sys.base_prefix, sys.base_exec_prefix, sys.prefix, sys.exec_prefix}
    interpreter.add(os.path.dirname(os.path.realpath(sys.executable)))
    return sorted(interpreter) + list(SYSTEM_READ_PATHS) + list(DEVICES) + [workdir]


def confine(config: dict) -> list:
    """Apply every layer `config` asks for; returns the names of the layers applied."""
    layers = []
    set_limits(config["limits"])
    layers.append("rlimits")
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0:
        layers.append("no-new-privs")
    if config.get("landlock", True):
        abi = landlock_abi(libc)
        if abi >= 1 and "no-new-privs" in layers:
            workdir = config["workdir"]
            layers += apply_landlock(libc, abi, read_paths(workdir), [workdir, "/dev/null"])
    return layers

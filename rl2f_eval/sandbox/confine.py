"""Runs inside the sandbox, before any untrusted code: the confinement layers.

This file is shipped as source text to a fresh `python -I -S` process (see `local.py`), so it
uses the standard library only and has no side effects at import. What it offers:

- `mount_workdir`: a private tmpfs of capped size over the working directory (in the sandbox's
  own mount namespace, so it disappears with the sandbox), then `drop_capabilities`: the
  launcher keeps the user namespace's capabilities for this one mount and no longer.
- `set_limits` (`setrlimit`): CPU seconds, address space, processes, file size, open files,
  no core dumps. Limits are lowered with soft == hard (CPU: hard = soft + 1, so the soft limit's
  SIGXCPU comes first), and no process of the sandbox can raise them again.
- `no_new_privs`: no setuid binary or file capability can give privileges back.
- `apply_landlock` (Linux >= 5.13, where enabled): reads and execution only beneath the
  interpreter's installation and the system library directories, writes only beneath the working
  directory; TCP bind/connect denied (ABI >= 4); signals and abstract Unix sockets scoped to the
  domain (ABI >= 6). A Landlock domain also cannot ptrace anything outside it (so neither read
  another process's memory or `/proc/<pid>/fd`, nor take its descriptors with `pidfd_getfd`).
- `apply_seccomp` (where libseccomp is installed): a deny list of system calls no test needs and
  an attacker would use to reach other processes or leave something behind (ptrace and its
  relatives, pidfds, System V IPC, io_uring, new namespaces, memfds, keyrings), and signals or
  scheduling changes aimed at the processes the caller must not touch.

`confine_child` applies what every process running code gets; `isolate` is what the coding
judge applies once more to the process that runs the candidate, nesting a second Landlock domain
and a second filter that also protect the judge. Each returns the names of the layers applied, so
the verdict can say what isolation was in force.
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
_PR_SET_DUMPABLE = 4
_PR_CAPBSET_DROP = 24
_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL = 47, 4
_MS_NOSUID, _MS_NODEV, _MS_NOEXEC = 2, 4, 8

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


def libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


# ------------------------------------------------------------------ init: work dir, privileges


def mount_workdir(workdir: str, limits: dict) -> bool:
    """A size-capped tmpfs over `workdir`, private to this mount namespace (which ends with the
    sandbox, taking every file with it). Needs the namespace's CAP_SYS_ADMIN; False without."""
    options = f"size={limits['disk_bytes']},nr_inodes={limits['disk_inodes']},mode=0700"
    flags = _MS_NOSUID | _MS_NODEV | _MS_NOEXEC
    if libc().mount(b"tmpfs", workdir.encode(), b"tmpfs", flags, options.encode()) != 0:
        return False
    os.chdir(workdir)  # the old cwd is the directory beneath the mount
    return True


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


def drop_capabilities() -> None:
    """No capability left in any set (bounding and ambient included): nothing this process or
    its children run can use the user namespace's privileges."""
    lib = libc()
    for cap in range(64):  # needs CAP_SETPCAP, which goes last; unknown numbers fail harmlessly
        lib.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0)
    lib.prctl(_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    header = _CapHeader(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3
    if lib.capset(ctypes.byref(header), (_CapData * 2)()) != 0:
        raise OSError(ctypes.get_errno(), "capset failed: cannot drop capabilities")


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


def no_new_privs() -> bool:
    return libc().prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0


def not_dumpable() -> None:
    """No process of the same user may ptrace this one, open its /proc/<pid>/{mem,fd,...} or
    take its descriptors with pidfd_getfd (that needs CAP_SYS_PTRACE, which nobody here has)."""
    libc().prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)


# ------------------------------------------------------------------ Landlock


def landlock_abi(lib: ctypes.CDLL) -> int:
    """The Landlock ABI version the kernel offers (0: none or disabled)."""
    version = lib.syscall(_SYS_CREATE_RULESET, None, ctypes.c_size_t(0), _CREATE_RULESET_VERSION)
    return max(int(version), 0)


def apply_landlock(lib: ctypes.CDLL, abi: int, read_paths: list, write_paths: list) -> list:
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
    ruleset = lib.syscall(_SYS_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), 0)
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
                if lib.syscall(_SYS_ADD_RULE, ruleset, _RULE_PATH_BENEATH, ctypes.byref(rule), 0):
                    raise OSError(ctypes.get_errno(), f"landlock_add_rule failed for {path}")
            finally:
                os.close(fd)
        if lib.syscall(_SYS_RESTRICT_SELF, ruleset, 0):
            raise OSError(ctypes.get_errno(), "landlock_restrict_self failed")
    finally:
        os.close(ruleset)
    return layers


def read_paths(workdir: str) -> list:
    """What the sandbox may read: this interpreter's installation, system libraries, devices."""
    interpreter = {sys.base_prefix, sys.base_exec_prefix, sys.prefix, sys.exec_prefix}
    interpreter.add(os.path.dirname(os.path.realpath(sys.executable)))
    return sorted(interpreter) + list(SYSTEM_READ_PATHS) + list(DEVICES) + [workdir]


def landlock(workdir: str) -> list:
    """A (further) Landlock domain for this process; [] where Landlock is unavailable."""
    lib = libc()
    abi = landlock_abi(lib)
    if abi < 1:
        return []
    return apply_landlock(lib, abi, read_paths(workdir), [workdir, "/dev/null"])


# ------------------------------------------------------------------ seccomp (libseccomp)

_SCMP_ACT_ALLOW = 0x7FFF0000
_SCMP_CMP_NE, _SCMP_CMP_MASKED_EQ = 1, 7
_EPERM, _ENOSYS = 1, 38

DENIED_SYSCALLS = (
    # reaching into other processes: memory, descriptors, tracing, comparing their files
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_open", "pidfd_getfd",
    "pidfd_send_signal", "process_madvise", "process_mrelease", "get_robust_list",
    "move_pages", "migrate_pages",
    # kernel objects that outlive the process or the sandbox (IPC, keyrings)
    "shmget", "shmat", "shmctl", "shmdt", "msgget", "msgsnd", "msgrcv", "msgctl",
    "semget", "semop", "semtimedop", "semctl", "mq_open", "mq_unlink",
    "add_key", "request_key", "keyctl",
    # memory no limit counts (memfds are not address space until mapped)
    "memfd_create", "memfd_secret", "userfaultfd",
    # new namespaces (a user namespace brings capabilities in it), mounts, other roots
    "unshare", "setns", "mount", "umount2", "pivot_root", "chroot", "fsopen", "fsconfig",
    "fsmount", "fsmerge", "move_mount", "open_tree", "fspick", "mount_setattr",
    "open_by_handle_at", "name_to_handle_at",
    # kernel interfaces that bypass or widen all of the above
    "io_uring_setup", "io_uring_enter", "io_uring_register", "bpf", "perf_event_open",
)  # fmt: skip
_NAMESPACE_FLAGS = (
    0x80,
    0x00020000,
    0x02000000,
    0x04000000,
    0x08000000,
    0x10000000,
    0x20000000,
    0x40000000,
)  # fmt: skip  (CLONE_NEWTIME .. CLONE_NEWNET)
# (system call, argument) naming a process the caller may only aim at itself (0)
_SELF_ONLY = (
    ("prlimit64", 0), ("sched_setaffinity", 0), ("sched_setscheduler", 0),
    ("sched_setparam", 0), ("sched_setattr", 0), ("setpriority", 1), ("ioprio_set", 1),
)  # fmt: skip
_SIGNALS = ("kill", "tkill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo")


class _ArgCmp(ctypes.Structure):
    _fields_ = [
        ("arg", ctypes.c_uint),
        ("op", ctypes.c_int),
        ("datum_a", ctypes.c_uint64),
        ("datum_b", ctypes.c_uint64),
    ]


def _low32(value: int) -> _ArgCmp:
    """Argument 0's low 32 bits equal `value` (a pid_t: the kernel reads only those bits, so
    a comparison of all 64 could be dodged by setting the upper half)."""
    return _ArgCmp(0, _SCMP_CMP_MASKED_EQ, 0xFFFFFFFF, value & 0xFFFFFFFF)


def apply_seccomp(protected: list) -> bool:
    """Install the deny list (EPERM; clone3 gets ENOSYS so that libc falls back to clone, whose
    flags a filter can read), and refuse signals to the `protected` pids, to process groups and
    to everyone (pid <= 0). False where libseccomp is not installed."""
    try:
        lib = ctypes.CDLL("libseccomp.so.2")
    except OSError:
        return False
    lib.seccomp_init.restype = ctypes.c_void_p
    ctx = ctypes.c_void_p(lib.seccomp_init(ctypes.c_uint32(_SCMP_ACT_ALLOW)))
    if not ctx.value:
        return False

    def deny(name: str, *conditions: _ArgCmp, errno: int = _EPERM) -> None:
        number = lib.seccomp_syscall_resolve_name(name.encode())
        if number < 0:
            return  # not a system call on this architecture
        array = (_ArgCmp * max(len(conditions), 1))(*conditions)
        action = ctypes.c_uint32(0x00050000 | errno)  # SCMP_ACT_ERRNO(errno)
        if lib.seccomp_rule_add_array(ctx, action, number, len(conditions), array) < 0:
            raise OSError(errno, f"seccomp rule for {name} failed")

    try:
        for name in DENIED_SYSCALLS:
            deny(name)
        deny("clone3", errno=_ENOSYS)
        for flag in _NAMESPACE_FLAGS:
            deny("clone", _ArgCmp(0, _SCMP_CMP_MASKED_EQ, flag, flag))
        for name, arg in _SELF_ONLY:
            deny(name, _ArgCmp(arg, _SCMP_CMP_NE, 0, 0))
        for name in _SIGNALS:
            deny(name, _ArgCmp(0, _SCMP_CMP_MASKED_EQ, 0x80000000, 0x80000000))  # < 0
            deny(name, _low32(0))
            for pid in protected:
                deny(name, _low32(pid))
        return lib.seccomp_load(ctx) == 0
    finally:
        lib.seccomp_release(ctx)


# ------------------------------------------------------------------ the layers, together


def confine_child(workdir: str, protected: list) -> list:
    """What every process that runs code gets (after init forked it): Landlock and seccomp."""
    layers = landlock(workdir)
    if apply_seccomp(protected):
        layers.append("seccomp")
    return layers


def isolate(workdir: str, protected: list) -> list:
    """Confine the calling process apart from its parent: the coding judge forks the process
    that runs the candidate and calls this there, before any candidate code. A nested Landlock
    domain cannot trace, take descriptors from or (ABI >= 6) signal its parent's domain, and the
    second filter protects the parent (the judge) by pid as well as `protected` (init)."""
    layers = [f"candidate-{layer}" for layer in landlock(workdir)]
    if apply_seccomp(sorted({os.getppid(), *protected})):
        layers.append("candidate-seccomp")
    return layers

"""No network for a query worker: a seccomp filter that refuses to create IP sockets.

Why seccomp: the outgoing request of a SERVICE clause is made by pyoxigraph's Rust HTTP client,
which Python's `socket` module does not see (patching it changes nothing), and pyoxigraph has
no option to turn SERVICE off. A network namespace (`unshare(CLONE_NEWNET)`) needs
CAP_SYS_ADMIN or unprivileged user namespaces, which containers and hardened kernels often
refuse; a seccomp filter needs neither (only `no_new_privs`, which the worker can set on
itself) and binds every thread of the process, Rust's included, and every child.

The filter answers `socket(AF_INET | AF_INET6 | AF_PACKET, …)` with EACCES; everything else is
allowed (the worker talks to the web process over an inherited Unix socket pair). x86_64 and
aarch64 only; elsewhere `deny_network` returns False, and the worker logs that it runs without
the filter (so it does when the kernel refuses the filter); the SERVICE check of shape.py still
applies.
"""

from __future__ import annotations

import ctypes
import errno
import platform
import socket
import struct

# (audit arch, socket syscall number, seccomp syscall number)
_ARCHES = {"x86_64": (0xC000003E, 41, 317), "aarch64": (0xC00000B7, 198, 277)}
_LD_ABS_W = 0x20  # BPF_LD | BPF_W | BPF_ABS
_JEQ = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
_JGE = 0x35  # BPF_JMP | BPF_JGE | BPF_K
_RET = 0x06  # BPF_RET | BPF_K
_ALLOW = 0x7FFF0000
_DENY = 0x00050000 | errno.EACCES  # SECCOMP_RET_ERRNO | EACCES
_X32 = 0x40000000  # x86_64's x32 syscall bit: refused as a whole
PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
SECCOMP_SET_MODE_FILTER = 1
SECCOMP_FILTER_FLAG_TSYNC = 1


def _program(arch: int, nr_socket: int) -> list[tuple[int, int, int, int]]:
    families = (socket.AF_INET, socket.AF_INET6, getattr(socket, "AF_PACKET", 17))
    allow = 6 + len(families)  # index of RET ALLOW (after 6 loads/tests and the families)
    deny = allow + 1
    prog = [
        (_LD_ABS_W, 0, 0, 4),  # seccomp_data.arch
        (_JEQ, 0, deny - 2, arch),
        (_LD_ABS_W, 0, 0, 0),  # seccomp_data.nr
        (_JGE, deny - 4, 0, _X32),
        (_JEQ, 0, allow - 5, nr_socket),
        (_LD_ABS_W, 0, 0, 16),  # args[0], low 32 bits (little endian)
    ]
    for k, family in enumerate(families):
        index = 6 + k
        prog.append((_JEQ, deny - index - 1, 0, family))
    prog.append((_RET, 0, 0, _ALLOW))
    prog.append((_RET, 0, 0, _DENY))
    return prog


def deny_network() -> bool:
    """Install the filter on this process (all its threads, and its future children).
    True when installed; False on an architecture this module does not know."""
    entry = _ARCHES.get(platform.machine())
    if entry is None:
        return False
    arch, nr_socket, nr_seccomp = entry
    prog = _program(arch, nr_socket)
    # The jump offsets above assume RET ALLOW right after the family tests.
    assert prog[-2][3] == _ALLOW and len(prog) == 6 + 3 + 2, prog
    raw = b"".join(struct.pack("=HBBI", *ins) for ins in prog)
    buffer = ctypes.create_string_buffer(raw, len(raw))

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    fprog = SockFprog(len(prog), ctypes.cast(buffer, ctypes.c_void_p))
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    # seccomp(2) with TSYNC binds threads that already exist too; prctl only the caller.
    synced = libc.syscall(nr_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC,
                          ctypes.byref(fprog)) == 0
    if not synced and libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog),
                                 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "seccomp filter refused")
    return True

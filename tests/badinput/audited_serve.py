"""`socle serve` with an audit hook that records every outbound connection attempt.

The live hostile suite (test_live.py) starts the server through this launcher: any socket
connect or name lookup to an address other than 127.0.0.1 / ::1 is appended to the file named
by SOCLE_AUDIT_LOG, which the suite reads for its summary ("outbound connections").
Usage: python -m tests.badinput.audited_serve serve --port … (the CLI's arguments).
"""

from __future__ import annotations

import os
import sys

LOOPBACK = ("127.0.0.1", "::1", "localhost")


def _audit(event: str, args: tuple) -> None:
    if event == "socket.connect":
        address = args[1] if len(args) > 1 else None
        host = address[0] if isinstance(address, tuple) else str(address)
    elif event == "socket.getaddrinfo":
        host = str(args[0]) if args else ""
    else:
        return
    if host in LOOPBACK or (event == "socket.connect" and not isinstance(address, tuple)):
        return  # loopback, or a Unix socket (the parse and query workers)
    with open(os.environ["SOCLE_AUDIT_LOG"], "a") as log:
        log.write(f"{event} {host}\n")


if __name__ == "__main__":
    sys.addaudithook(_audit)
    from service.cli import main

    sys.argv[0] = "socle"
    main()

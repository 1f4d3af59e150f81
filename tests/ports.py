"""Free loopback ports, for the brokers, services and boards the tests and benchmarks start.

The one helper for it (the tests find this folder on their path; the benchmarks and the stress
scripts put it there). A port found free may be taken before it is used: the callers start at
once, and a broker that cannot bind says so.
"""

from __future__ import annotations

import socket


def free_ports(n: int = 1) -> int:
    """A port P with P..P+n-1 all free on 127.0.0.1 (``kafka.sh`` takes consecutive ports).

    >>> port = free_ports(2)
    >>> 1024 <= port < 65535
    True
    """
    for _ in range(100):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = probe.getsockname()[1]
        if base + n - 1 > 65535:
            continue
        if all(_free(base + i) for i in range(1, n)):
            return base
    raise RuntimeError(f"no {n} consecutive free ports on 127.0.0.1")


def free_port() -> int:
    """One free port on 127.0.0.1 (nothing listens there)."""
    return free_ports(1)


def _free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True

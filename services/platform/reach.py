"""Whether the broker can be reached at all, asked before a command talks Kafka to it.

kafka-python, given an address where nothing listens, retries for its whole request timeout
(about 30 seconds) and ends in a traceback. A command asks first, with a plain TCP connection to
each bootstrap server, and stops at once with one sentence when none answers.
"""

from __future__ import annotations

import socket
import sys

from services.platform.settings import ServiceSettings

EXIT_UNREACHABLE = 69
"""sysexits' EX_UNAVAILABLE: the broker could not be reached."""

CONNECT_TIMEOUT_S = 3.0


def unreachable(bootstrap_servers: str, timeout_s: float = CONNECT_TIMEOUT_S) -> str | None:
    """None when one of ``bootstrap_servers`` (``host:port,...``) accepts a connection; else a
    sentence saying which could not be reached and why.

    >>> unreachable("no-port").split(". ")[0]
    'cannot reach the Kafka broker at no-port (not host:port)'
    """
    why: list[str] = []
    for server in (s.strip() for s in bootstrap_servers.split(",") if s.strip()):
        host, _, port = server.rpartition(":")
        if not host or not port.isdigit():
            why.append(f"{server} (not host:port)")
            continue
        try:
            with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout_s):
                return None
        except socket.gaierror:
            why.append(f"{server} (no such host)")
        except TimeoutError:
            why.append(f"{server} (no answer in {timeout_s:g} s)")
        except OSError as error:
            reason = (error.strerror or str(error)).lower()
            why.append(f"{server} ({reason})")
    where = "; ".join(why) or "(no server given)"
    return (
        f"cannot reach the Kafka broker at {where}. KAFKA_BOOTSTRAP_SERVERS says where it is; "
        "`make run` starts one on 127.0.0.1:9092."
    )


def require_broker(settings: ServiceSettings, command: str) -> None:
    """Stop the command (status 69) with one sentence when the broker cannot be reached."""
    problem = unreachable(settings.kafka_bootstrap_servers)
    if problem is not None:
        print(f"{command}: {problem}", file=sys.stderr)
        raise SystemExit(EXIT_UNREACHABLE)

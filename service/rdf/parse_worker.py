"""A parse worker: a separate process that parses untrusted RDF bodies one at a time.

Its address space is capped (RLIMIT_AS) so that no document can make it take more than the
operator's memory bound; the parent kills it at the time bound (isolate.py). It answers each
request with the document as N-Quads (Oxigraph re-reads those in the parent at little cost,
with nothing left to check) or with the refusal (a picklable SocleError), and with its own
resident size, which the parent uses to recycle a worker that grew: memory is given back by
ending the process.

Messages (multiprocessing Connection over a socket pair):
  in:  (data: bytes, syntax name, base IRI | None, ParseLimits fields as a tuple)
  out: ("ready", pid) once; per request ("ok", n-quads bytes, rss) or ("error", error, rss).
"""

from __future__ import annotations

import os
import resource
import sys
from multiprocessing.connection import Connection


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def main(fd: int, memory_bytes: int, nice: int) -> None:
    if memory_bytes > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    if nice:
        os.nice(nice)
    import pyoxigraph as ox

    from service.errors import SocleError
    from service.rdf.formats import BY_NAME
    from service.rdf.limits import ParseLimits, TooLarge
    from service.rdf.parse import parse_quads

    conn = Connection(fd)
    conn.send(("ready", os.getpid()))
    while True:
        try:
            data, syntax, base_iri, limits = conn.recv()
        except (EOFError, OSError, MemoryError):  # a body over the cap: the parent says so
            return
        answer: tuple[str, object]
        try:
            quads = parse_quads(data, BY_NAME[syntax], base_iri, ParseLimits(*limits))
            del data
            answer = ("ok", ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
            del quads
        except SocleError as err:
            answer = ("error", err)
        except MemoryError:
            answer = ("error", TooLarge(
                "Document trop coûteux à lire : il dépasse la mémoire permise à une requête.",
                "Document too costly to read: it exceeds the memory allowed to one request.",
                limit_bytes=memory_bytes))
        try:
            conn.send((*answer, rss_bytes()))
        except (BrokenPipeError, EOFError, OSError):
            return


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))

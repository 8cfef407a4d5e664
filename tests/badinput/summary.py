"""What the hostile-input suite saw, printed at the end of the run (conftest.py): per kind of
input the status expected and got, 5xx answers, outbound connections, whether the store was
unchanged, and for the live server the time, another client's GET latency and the RSS."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Row:
    kind: str
    expected: int | str  # an HTTP status, or a harvest run's status
    got: int | str
    outbound: int | None = 0  # connection attempts to anything but the store / loopback
    store_unchanged: bool | None = True
    seconds: float | None = None
    get_p99_ms: float | None = None  # another client's GETs during the request
    rss_mb: tuple[float, float] | None = None  # server RSS before, after


@dataclass
class Summary:
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, row: Row) -> None:
        self.rows.append(row)

    def lines(self) -> list[str]:
        if not self.rows:
            return []
        right = sum(r.got == r.expected for r in self.rows)
        five = sum(isinstance(r.got, int) and r.got >= 500 for r in self.rows)
        outbound = sum(r.outbound or 0 for r in self.rows)
        changed = sum(r.store_unchanged is False for r in self.rows)
        out = [f"hostile inputs: {len(self.rows)} kinds, {right} answered the right status, "
               f"{five} 5xx, {outbound} outbound connection attempts, store changed by "
               f"{changed}"]
        timed = [r for r in self.rows if r.seconds is not None]
        if timed:
            out.append(f"{'kind (timed)':48} {'status':>6} {'s':>6} {'GET p99 ms':>10} "
                       f"{'RSS MB before→after':>20}")
            for r in timed:
                rss = f"{r.rss_mb[0]:.0f}→{r.rss_mb[1]:.0f}" if r.rss_mb else "-"
                p99 = f"{r.get_p99_ms:.0f}" if r.get_p99_ms is not None else "-"
                out.append(f"  {r.kind:46} {r.got:>6} {r.seconds:>6.2f} {p99:>10} {rss:>20}")
        wrong = [r for r in self.rows if r.got != r.expected]
        out += [f"  WRONG: {r.kind}: expected {r.expected}, got {r.got}" for r in wrong]
        return out + self.notes


SUMMARY = Summary()

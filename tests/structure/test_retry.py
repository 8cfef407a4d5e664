"""The one retry helper (service/retry.py): what is retried, how long it waits, when it stops.
No real waiting: `sleep` records the pauses."""

from __future__ import annotations

import time

import pytest

from service.retry import exponential, retry


class Flaky:
    """Fails with `errors` in turn, then answers the attempt number."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.attempts: list[int] = []

    def __call__(self, attempt: int) -> int:
        self.attempts.append(attempt)
        if self.errors:
            raise self.errors.pop(0)
        return attempt


def test_exponential_pauses_double_and_stop_at_the_cap():
    assert list(exponential(0.2, 4)) == [0.2, 0.4, 0.8, 1.6]
    assert list(exponential(1.0, 5, cap=3.0)) == [1.0, 2.0, 3.0, 3.0, 3.0]
    assert list(exponential(0.5, 0)) == []
    endless = exponential(0.1, None, cap=5.0)
    assert [next(endless) for _ in range(100)][-1] == 5.0


def test_transient_failures_are_retried_after_each_pause():
    waits: list[float] = []
    call = Flaky(OSError("reset"), OSError("reset"))
    assert retry(call, [0.5, 1.0, 2.0], retryable=lambda e: True, sleep=waits.append) == 3
    assert call.attempts == [1, 2, 3] and waits == [0.5, 1.0]


def test_a_failure_not_retryable_propagates_at_once():
    waits: list[float] = []
    call = Flaky(KeyError("x"))
    with pytest.raises(KeyError):
        retry(call, [1.0], retryable=lambda e: isinstance(e, OSError), sleep=waits.append)
    assert call.attempts == [1] and waits == []


def test_the_last_failure_propagates_when_no_pause_is_left():
    waits: list[float] = []
    call = Flaky(OSError("1"), OSError("2"), OSError("3"))
    with pytest.raises(OSError, match="3"):
        retry(call, exponential(0.1, 2), retryable=lambda e: True, sleep=waits.append)
    assert call.attempts == [1, 2, 3] and waits == [0.1, 0.2]


def test_no_pause_ends_past_the_deadline():
    waits: list[float] = []
    call = Flaky(OSError("1"), OSError("2"))
    with pytest.raises(OSError, match="1"):
        retry(call, [3600.0], retryable=lambda e: True, sleep=waits.append,
              deadline=time.monotonic() + 60)
    assert call.attempts == [1] and waits == []


def test_on_retry_hears_each_failure_and_its_pause():
    heard: list[tuple[str, float]] = []
    call = Flaky(OSError("a"), OSError("b"))
    retry(call, [1.0, 2.0], retryable=lambda e: True, sleep=lambda s: None,
          on_retry=lambda exc, pause: heard.append((str(exc), pause)))
    assert heard == [("a", 1.0), ("b", 2.0)]


def test_success_at_first_try_never_waits():
    waits: list[float] = []
    assert retry(Flaky(), [1.0], retryable=lambda e: True, sleep=waits.append) == 1
    assert waits == []

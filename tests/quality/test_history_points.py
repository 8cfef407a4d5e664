"""The publisher's score history gets a point on a day with a write, not only on rescore
days; today's point always shows the score as it is now."""

from __future__ import annotations

from service.quality import history, keeper
from service.quality.keeper import QualityKeeper
from tests.conftest import VALID_TTL
from tests.quality.test_http import post

LICENCE = "    dct:license <https://www.etalab.gouv.fr/licence-ouverte-open-licence/> ] ."


def test_a_write_records_todays_point_without_any_rescore(client, svc, token):
    assert history.series(svc.store, "montfort") == []
    post(client, token)  # no rescore, no link check: the write alone
    [(day, score, datasets)] = history.series(svc.store, "montfort")
    assert datasets == 1 and score == keeper.publisher_score(svc.store, "montfort").total
    body = client.get("/publishers/montfort/quality.json").get_json()
    assert [h["date"] for h in body["history"]] == [day]


def test_todays_point_follows_writes_between_snapshots(client, svc, token):
    post(client, token)
    first = keeper.publisher_score(svc.store, "montfort").total
    # A second write within the keeper's snapshot interval: the stored point may lag...
    worse = VALID_TTL.replace("deliberations-montfort", "budget").replace(
        LICENCE, "  ] .")
    assert worse != VALID_TTL.replace("deliberations-montfort", "budget")
    post(client, token, worse)
    now = keeper.publisher_score(svc.store, "montfort")
    assert now.total != first and now.datasets == 2
    # ...but the page and the JSON show today's point as the score now.
    body = client.get("/publishers/montfort/quality.json").get_json()
    assert body["history"][-1]["score"] == round(now.total, 2)
    assert body["history"][-1]["datasets"] == 2 and len(body["history"]) == 1


def test_the_keeper_snapshots_each_publisher_at_most_once_a_minute(svc, monkeypatch):
    times = iter([0.0, 30.0, 61.0])
    calls = []
    monkeypatch.setattr(keeper, "snapshot_all", lambda store, pub: calls.append(pub))
    kept = QualityKeeper(svc.store, clock=lambda: next(times))
    for _ in range(3):
        kept.note_history({"montfort"})
    assert calls == ["montfort", "montfort"]  # at 0 s and 61 s, not at 30 s


def test_points_of_past_days_are_kept_and_today_replaced():
    past = [("2026-12-01", 200.0, 3), ("2026-12-04", 210.0, 4)]
    assert history.with_today(past, 250.456, 5, day="2026-12-05") == [
        *past, ("2026-12-05", 250.46, 5)]
    assert history.with_today([*past, ("2026-12-05", 1.0, 1)], 2.0, 2, day="2026-12-05") == [
        *past, ("2026-12-05", 2.0, 2)]

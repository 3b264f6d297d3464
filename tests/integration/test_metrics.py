"""GET /metrics: what the log holds and how far each read model lags."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from tests.integration.test_projections import ZONE, record_questions
from workers.projections import projections
from workers.projections.base import catch_up


def samples(app) -> dict[tuple, float]:
    response = app.test_client().get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    found = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def test_metrics_count_events_and_show_projection_lag(app):
    store = app.extensions["store"]
    record_questions(store, seed=9, count=10, retract_every=5)
    projection = projections(store, ZONE)[0]
    catch_up(projection, store)
    record_questions(store, seed=10, count=3, retract_every=0)
    found = samples(app)
    assert found[("bieb_events_appended", (("type", "IdoQuestionLogged"),))] == 13
    assert found[("bieb_events_appended", (("type", "RecordRetracted"),))] == 2
    assert found[("bieb_log_head", ())] == 15
    assert found[("bieb_projection_lag", (("projection", "goal_figures"),))] == 3
    assert found[("bieb_projection_position", (("projection", "goal_figures"),))] == 12

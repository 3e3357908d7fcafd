"""Verification reports, and the stateless ``/validate`` and ``/score`` of the RLHF loop."""

from __future__ import annotations

import json

from synharness.result import AssetResult

from tests.api.helpers import asset_bytes, error_of
from tests.factories import make_asset


def _asset(client):
    return client.post("/synesthetic-assets/", content=asset_bytes()).json()["id"]


def test_verify_runs_builtin_scenarios_and_stores_a_report(client):
    asset_id = _asset(client)
    response = client.post(f"/synesthetic-assets/{asset_id}/verify")
    assert response.status_code == 201, response.text
    report = response.json()
    assert response.headers["location"] == f"/reports/{report['id']}"
    assert report["asset_id"] == asset_id and report["asset_version"] == 1
    result = AssetResult.model_validate(report["result"])
    assert [s.source for s in result.scenarios] == [
        "builtin:idle",
        "builtin:sweep",
        "builtin:random",
    ]
    assert result.score is not None and 0 < result.score <= 1
    assert report["verdict"] == result.verdict.value


def test_verify_named_scenarios_and_seed_is_deterministic(client):
    asset_id = _asset(client)
    options = json.dumps({"scenarios": ["random"], "seed": 7})
    first = client.post(f"/synesthetic-assets/{asset_id}/verify", content=options).json()
    second = client.post(f"/synesthetic-assets/{asset_id}/verify", content=options).json()
    assert [s["name"] for s in first["result"]["scenarios"]] == ["random"]
    assert first["result"] == second["result"]


def test_verify_rejects_unknown_scenarios_and_bad_options(client):
    asset_id = _asset(client)
    unknown = client.post(
        f"/synesthetic-assets/{asset_id}/verify", content=b'{"scenarios": ["nope"]}'
    )
    assert unknown.status_code == 422
    assert error_of(unknown)["details"]["unknown"] == ["nope"]
    bad = client.post(f"/synesthetic-assets/{asset_id}/verify", content=b'{"seed": -1}')
    assert bad.status_code == 422
    assert client.post("/synesthetic-assets/999/verify").status_code == 404
    assert client.get(f"/synesthetic-assets/{asset_id}/reports").json() == []


def test_reports_are_listed_newest_first(client):
    asset_id = _asset(client)
    ids = [
        client.post(
            f"/synesthetic-assets/{asset_id}/verify", content=b'{"scenarios": ["idle"]}'
        ).json()["id"]
        for _ in range(3)
    ]
    listed = client.get(f"/synesthetic-assets/{asset_id}/reports")
    assert listed.headers["x-total-count"] == "3"
    assert [r["id"] for r in listed.json()] == ids[::-1]
    page = client.get(f"/synesthetic-assets/{asset_id}/reports", params={"limit": 1, "offset": 1})
    assert [r["id"] for r in page.json()] == [ids[1]]
    assert client.get("/synesthetic-assets/999/reports").status_code == 404


def test_report_as_json_or_html(client):
    asset_id = _asset(client)
    report = client.post(
        f"/synesthetic-assets/{asset_id}/verify", content=b'{"scenarios": ["idle"]}'
    ).json()
    url = f"/reports/{report['id']}"
    as_json = client.get(url)
    assert as_json.status_code == 200 and as_json.json() == report
    as_html = client.get(url, headers={"Accept": "text/html"})
    assert as_html.status_code == 200
    assert as_html.headers["content-type"].startswith("text/html")
    assert "<html" in as_html.text.lower() and make_asset()["name"] in as_html.text
    assert as_html.headers["etag"] != as_json.headers["etag"]
    assert client.get(url, headers={"If-None-Match": as_json.headers["etag"]}).status_code == 304
    prefers_json = client.get(url, headers={"Accept": "application/json, text/html;q=0.5"})
    assert prefers_json.headers["content-type"].startswith("application/json")
    assert client.get("/reports/999").status_code == 404


def test_reports_go_with_their_asset(client):
    asset_id = _asset(client)
    report = client.post(
        f"/synesthetic-assets/{asset_id}/verify", content=b'{"scenarios": ["idle"]}'
    ).json()
    assert client.delete(f"/synesthetic-assets/{asset_id}").status_code == 204
    assert client.get(f"/reports/{report['id']}").status_code == 404


def test_client_reports_can_be_posted(client):
    asset_id = _asset(client)
    result = AssetResult(source=f"http://store/synesthetic-assets/{asset_id}", name="x")
    response = client.post(
        f"/synesthetic-assets/{asset_id}/reports", content=result.model_dump_json()
    )
    assert response.status_code == 201
    assert response.json()["result"]["source"] == result.source
    assert response.json()["verdict"] == "pass"
    bad = client.post(f"/synesthetic-assets/{asset_id}/reports", content=b'{"findings": 3}')
    assert bad.status_code == 422
    assert (
        client.post("/synesthetic-assets/999/reports", content=result.model_dump_json()).status_code
        == 404
    )


def test_validate_does_not_store(client):
    ok = client.post("/validate", content=asset_bytes())
    assert ok.status_code == 200 and ok.json()["verdict"] in ("pass", "warn")
    broken = make_asset()
    broken["tone"]["synth"]["type"] = 42
    bad = client.post("/validate", content=json.dumps(broken))
    assert bad.status_code == 200 and bad.json()["verdict"] == "fail"
    assert any(f["pointer"].startswith("/tone/synth") for f in bad.json()["findings"])
    malformed = client.post("/validate", content=b'{"name": NaN}').json()
    assert malformed["findings"][0]["code"] == "SYN-LOAD-004"
    assert client.get("/synesthetic-assets/").headers["x-total-count"] == "0"


def test_score_does_not_store(client):
    scored = client.post("/score", content=asset_bytes())
    assert scored.status_code == 200
    body = scored.json()
    assert 0.5 <= body["score"] <= 1 and body["components"]["validity"] == 1.0
    zero = client.post("/score", content=b'{"name": NaN}').json()
    assert zero["score"] == 0.0 and zero["findings"][0]["code"] == "SYN-LOAD-004"
    more = client.post(
        "/score", params=[("scenario", "idle"), ("scenario", "sweep")], content=asset_bytes()
    )
    assert more.status_code == 200
    assert (
        client.post("/score", params={"scenario": "nope"}, content=asset_bytes()).status_code == 422
    )
    assert client.get("/synesthetic-assets/").headers["x-total-count"] == "0"


def test_report_with_non_finite_metrics_renders_as_html(client):
    from synharness.result import ParameterMetrics, ScenarioOutcome, TracePlot

    asset_id = _asset(client)
    nan = float("nan")
    metrics = ParameterMetrics(
        min=nan, max=1.0, mean=nan, clipped_fraction=0.0, nan_count=3, coverage=0.5
    )
    plot = TracePlot(
        t=(0.0, 0.1), params={"shader.u_hue": (nan, 0.5)}, ranges={"shader.u_hue": (0.0, 1.0)}
    )
    outcome = ScenarioOutcome(
        name="idle",
        source="builtin:idle",
        passed=True,
        seed=0,
        duration=0.2,
        dt=0.1,
        steps=2,
        metrics={"shader.u_hue": metrics},
        plot=plot,
    )
    result = AssetResult(
        source=f"/synesthetic-assets/{asset_id}", name="NaN run", scenarios=(outcome,)
    )
    posted = client.post(
        f"/synesthetic-assets/{asset_id}/reports", content=result.model_dump_json()
    )
    assert posted.status_code == 201
    url = posted.headers["location"]
    as_json = client.get(url).json()
    assert as_json["result"]["scenarios"][0]["metrics"]["shader.u_hue"]["mean"] is None
    as_html = client.get(url, headers={"Accept": "text/html"})
    assert as_html.status_code == 200 and "NaN run" in as_html.text


def test_verify_runs_scenario_documents(client):
    asset_id = _asset(client)
    holds = {
        "name": "custom",
        "duration": 1,
        "dt": 0.1,
        "expect": [{"finite": {}}, {"within_bounds": {"param": "shader.u_hue"}}],
    }
    fails = {
        "name": "impossible",
        "duration": 1,
        "dt": 0.1,
        "expect": [{"reaches": {"param": "shader.u_hue", "value": 99, "at": 0.5}}],
    }
    response = client.post(
        f"/synesthetic-assets/{asset_id}/verify",
        content=json.dumps({"scenarios": ["idle", holds, fails]}),
    )
    assert response.status_code == 201, response.text
    outcomes = {s["name"]: s["passed"] for s in response.json()["result"]["scenarios"]}
    assert outcomes == {"idle": True, "custom": True, "impossible": False}
    assert response.json()["verdict"] == "fail"


def test_verify_refuses_an_invalid_scenario_document_with_pointer(client):
    asset_id = _asset(client)
    bad = {"name": "x", "duration": "long"}
    response = client.post(
        f"/synesthetic-assets/{asset_id}/verify", content=json.dumps({"scenarios": ["idle", bad]})
    )
    assert response.status_code == 422
    details = error_of(response)["details"]
    assert details["pointer"].startswith("/scenarios/1")
    assert client.get(f"/synesthetic-assets/{asset_id}/reports").json() == []


def test_report_list_leaves_traces_to_the_full_report(client):
    from tests.api.helpers import asset_bytes

    url = client.post("/synesthetic-assets/", content=asset_bytes()).headers["location"]
    for _ in range(2):
        assert client.post(f"{url}/verify").status_code == 201
    listed = client.get(f"{url}/reports")
    assert listed.headers["x-total-count"] == "2" and "link" in listed.headers
    items = listed.json()
    for item in items:
        assert all("plot" not in s for s in item["result"]["scenarios"])
        full = client.get(item["links"]["self"]).json()
        assert any("plot" in s for s in full["result"]["scenarios"])
    assert len(listed.content) * 5 < len(client.get(items[0]["links"]["self"]).content)

"""``/synesthetic-assets/``: CRUD, round trips, filters, ETags and conditional writes."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings

from tests.api.helpers import SSOT, asset_bytes, error_of, without_metadata
from tests.factories import make_asset
from tests.strategies import assets


def test_create_answers_201_with_location_etag_and_metadata(client):
    response = client.post("/synesthetic-assets/", content=asset_bytes())
    assert response.status_code == 201
    body = response.json()
    assert response.headers["location"] == f"/synesthetic-assets/{body['id']}"
    assert response.headers["etag"] == f'"a{body["id"]}v1"'
    assert body["verdict"] in ("pass", "warn")
    assert body["created_at"].endswith("Z") and body["created_at"] == body["updated_at"]
    assert without_metadata(body) == make_asset()


def test_round_trip_returns_exactly_what_was_stored(client):
    sent = make_asset(
        description='ünïcödé ✓ and "quotes"', meta_info={"tags": ["b", "a"], "n": 1e-7}
    )
    created = client.post("/synesthetic-assets/", content=json.dumps(sent).encode()).json()
    got = client.get(f"/synesthetic-assets/{created['id']}")
    assert got.status_code == 200
    assert without_metadata(got.json()) == sent
    assert list(got.json())[:5] == [
        "id",
        "synesthetic_asset_id",
        "created_at",
        "updated_at",
        "verdict",
    ]
    assert "$schema" in got.json()


@pytest.mark.skipif(not SSOT.is_dir(), reason="the reference corpus ../shared/ssot is absent")
@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
def test_published_examples_round_trip(client, n):
    raw = (SSOT / "examples" / f"SynestheticAsset_Example{n}.json").read_bytes()
    response = client.post("/synesthetic-assets/", content=raw)
    if response.status_code == 422:
        # Refused examples must say why, with pointers.
        findings = error_of(response)["details"]["findings"]
        assert findings and all("pointer" in f for f in findings)
        return
    assert response.status_code == 201
    got = client.get(response.headers["location"]).json()
    assert without_metadata(got) == json.loads(raw)


def test_get_unknown_is_404_json(client):
    response = client.get("/synesthetic-assets/999")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_get_with_if_none_match_is_304(client):
    created = client.post("/synesthetic-assets/", content=asset_bytes())
    etag = created.headers["etag"]
    url = created.headers["location"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"a999v1"'}).status_code == 200


def test_list_paginates_filters_and_counts(client):
    for i, (name, tags) in enumerate(
        [("Alpha Ring", ["glow"]), ("Beta Ring", ["calm"]), ("Gamma", ["glow", "calm"])]
    ):
        body = make_asset(name=name, meta_info={"tags": tags, "i": i})
        assert client.post("/synesthetic-assets/", content=json.dumps(body)).status_code == 201
    page = client.get("/synesthetic-assets/", params={"limit": 2, "offset": 0})
    assert page.status_code == 200
    assert page.headers["x-total-count"] == "3"
    assert [a["name"] for a in page.json()] == ["Alpha Ring", "Beta Ring"]
    rest = client.get("/synesthetic-assets/", params={"limit": 2, "offset": 2}).json()
    assert [a["name"] for a in rest] == ["Gamma"]
    by_name = client.get("/synesthetic-assets/", params={"name": "ring"})
    assert by_name.headers["x-total-count"] == "2"
    by_tag = client.get("/synesthetic-assets/", params={"tag": "calm"})
    assert sorted(a["name"] for a in by_tag.json()) == ["Beta Ring", "Gamma"]
    verdict = client.get("/synesthetic-assets/").json()[0]["verdict"]
    assert (
        client.get("/synesthetic-assets/", params={"verdict": verdict}).headers["x-total-count"]
        == "3"
    )
    assert client.get("/synesthetic-assets/", params={"verdict": "fail"}).json() == []
    # Wildcards in the name filter are literal.
    assert client.get("/synesthetic-assets/", params={"name": "%"}).json() == []


def test_list_rejects_bad_query_with_422_json(client):
    response = client.get("/synesthetic-assets/", params={"limit": 0})
    assert response.status_code == 422
    assert error_of(response)["code"] == "invalid_request"


def test_put_replaces_and_bumps_etag(client):
    created = client.post("/synesthetic-assets/", content=asset_bytes())
    url, etag = created.headers["location"], created.headers["etag"]
    new = make_asset(name="Renamed")
    response = client.put(url, content=json.dumps(new), headers={"If-Match": etag})
    assert response.status_code == 200
    assert response.headers["etag"] != etag
    assert without_metadata(response.json()) == new
    assert response.json()["created_at"] == created.json()["created_at"]


def test_put_back_a_get_response_unchanged(client):
    created = client.post("/synesthetic-assets/", content=asset_bytes())
    got = client.get(created.headers["location"])
    again = client.put(created.headers["location"], content=got.content)
    assert again.status_code == 200
    assert without_metadata(again.json()) == without_metadata(got.json())


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_stale_if_match_is_412_and_changes_nothing(client, method):
    created = client.post("/synesthetic-assets/", content=asset_bytes())
    url, stale = created.headers["location"], created.headers["etag"]
    assert (
        client.patch(
            url, content=b'{"description": "first"}', headers={"If-Match": stale}
        ).status_code
        == 200
    )
    body = {"PUT": asset_bytes(name="x"), "PATCH": b'{"description": "second"}', "DELETE": None}[
        method
    ]
    response = client.request(method, url, content=body, headers={"If-Match": stale})
    assert response.status_code == 412
    assert error_of(response)["code"] == "precondition_failed"
    current = client.get(url).json()
    assert current["description"] == "first"
    assert current["name"] == make_asset()["name"]


def test_if_match_of_another_resource_is_412(client):
    created = client.post("/synesthetic-assets/", content=asset_bytes())
    response = client.put(
        created.headers["location"], content=asset_bytes(), headers={"If-Match": '"c1v1"'}
    )
    assert response.status_code == 412


def test_if_match_star_and_lists(client):
    created = client.post("/synesthetic-assets/", content=asset_bytes())
    url, etag = created.headers["location"], created.headers["etag"]
    assert (
        client.put(url, content=asset_bytes(), headers={"If-Match": f'"x", {etag}'}).status_code
        == 200
    )
    assert client.put(url, content=asset_bytes(), headers={"If-Match": "*"}).status_code == 200


def test_patch_is_a_json_merge_patch(client):
    created = client.post("/synesthetic-assets/", content=asset_bytes())
    url = created.headers["location"]
    patch = {"description": None, "meta_info": {"tags": ["patched"]}}
    response = client.patch(
        url, content=json.dumps(patch), headers={"Content-Type": "application/merge-patch+json"}
    )
    assert response.status_code == 200
    body = response.json()
    assert "description" not in body
    assert body["meta_info"]["tags"] == ["patched"]
    assert (
        client.get("/synesthetic-assets/", params={"tag": "patched"}).headers["x-total-count"]
        == "1"
    )


def test_patch_that_breaks_the_asset_is_422_and_not_stored(client):
    created = client.post("/synesthetic-assets/", content=asset_bytes())
    url = created.headers["location"]
    response = client.patch(url, content=b'{"name": 5}')
    assert response.status_code == 422
    pointers = [f["pointer"] for f in error_of(response)["details"]["findings"]]
    assert "/name" in pointers
    assert client.get(url).json()["name"] == make_asset()["name"]
    assert client.get(url).headers["etag"] == created.headers["etag"]


@pytest.mark.parametrize(
    ("raw", "code", "pointer"),
    [
        (b'{"name": "a",\n "name": "b"}', "SYN-LOAD-005", "/name"),
        (b'{"name": "a", "x": NaN}', "SYN-LOAD-004", "/x"),
        (b'{"name": "a",', "SYN-LOAD-001", ""),
    ],
)
def test_patch_body_parse_errors_are_422_with_pointer(client, raw, code, pointer):
    created = client.post("/synesthetic-assets/", content=asset_bytes())
    response = client.patch(created.headers["location"], content=raw)
    assert response.status_code == 422
    findings = error_of(response)["details"]["findings"]
    assert findings[0]["code"] == code and findings[0]["pointer"] == pointer


def test_delete_then_404(client):
    created = client.post("/synesthetic-assets/", content=asset_bytes())
    url = created.headers["location"]
    response = client.delete(url, headers={"If-Match": created.headers["etag"]})
    assert response.status_code == 204 and response.content == b""
    assert client.get(url).status_code == 404
    assert client.delete(url).status_code == 404


def test_nested_create_stores_components_in_their_collections(client):
    response = client.post("/synesthetic-assets/nested", content=asset_bytes())
    assert response.status_code == 201
    body = response.json()
    ids = {
        k: body[k] for k in ("shader_id", "tone_id", "haptic_id", "control_id", "rule_bundle_id")
    }
    assert all(isinstance(v, int) for v in ids.values())
    shader = client.get(f"/shaders/{ids['shader_id']}").json()
    assert without_metadata(shader) == make_asset()["shader"]
    assert client.get(f"/rule-bundles/{ids['rule_bundle_id']}").status_code == 200
    nested = client.get(f"/synesthetic-assets/nested/{body['id']}")
    assert nested.status_code == 200
    flat = {k: v for k, v in without_metadata(nested.json()).items() if k not in ids}
    assert flat == make_asset()
    assert client.get("/synesthetic-assets/nested/999").status_code == 404


@pytest.mark.parametrize("part", ["shader", "tone", "haptic"])
def test_put_component_of_an_asset(client, part):
    created = client.post("/synesthetic-assets/nested", content=asset_bytes()).json()
    new = dict(make_asset()[part], name=f"New {part}")
    response = client.put(f"/synesthetic-assets/{created['id']}/{part}", content=json.dumps(new))
    assert response.status_code == 200
    assert response.json()[part]["name"] == f"New {part}"
    assert client.get(f"/synesthetic-assets/{created['id']}").json()[part]["name"] == f"New {part}"
    collection = {"shader": "shaders", "tone": "tones", "haptic": "haptics"}[part]
    linked = client.get(f"/{collection}/{created[f'{part}_id']}").json()
    assert linked["name"] == f"New {part}"


def test_put_component_of_plain_asset_links_a_new_component(client):
    created = client.post("/synesthetic-assets/", content=asset_bytes()).json()
    shader = dict(make_asset()["shader"], name="Linked")
    response = client.put(f"/synesthetic-assets/{created['id']}/shader", content=json.dumps(shader))
    assert response.status_code == 200
    assert client.get(f"/shaders/{response.json()['shader_id']}").json()["name"] == "Linked"


def test_put_component_with_wrong_kind_is_422(client):
    created = client.post("/synesthetic-assets/", content=asset_bytes()).json()
    response = client.put(
        f"/synesthetic-assets/{created['id']}/shader", content=json.dumps(make_asset()["tone"])
    )
    assert response.status_code == 422
    assert (
        client.get(f"/synesthetic-assets/{created['id']}").json()["shader"]
        == make_asset()["shader"]
    )


def test_put_component_with_stale_if_match_is_412(client):
    created = client.post("/synesthetic-assets/", content=asset_bytes())
    url = created.headers["location"]
    client.patch(url, content=b'{"description": "moved on"}')
    response = client.put(
        f"{url}/tone",
        content=json.dumps(make_asset()["tone"]),
        headers={"If-Match": created.headers["etag"]},
    )
    assert response.status_code == 412


def test_awkward_names_and_tags_are_stored_whole(client):
    name = "N\u0000" + "x" * 700
    body = make_asset(name=name, meta_info={"tags": ["t\u0000ag", "y" * 300, "", 5]})
    created = client.post("/synesthetic-assets/", content=json.dumps(body))
    assert created.status_code == 201, created.text
    got = client.get(created.headers["location"]).json()
    assert without_metadata(got) == body
    assert client.get("/synesthetic-assets/", params={"tag": "tag"}).headers["x-total-count"] == "1"
    assert (
        client.get("/synesthetic-assets/", params={"name": "xxxx"}).headers["x-total-count"] == "1"
    )


@given(asset=assets())
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_any_clean_asset_round_trips(client, asset):
    created = client.post("/synesthetic-assets/", content=json.dumps(asset))
    assert created.status_code == 201, created.text
    got = client.get(created.headers["location"])
    assert without_metadata(got.json()) == asset
    put = client.put(
        created.headers["location"], content=got.content, headers={"If-Match": got.headers["etag"]}
    )
    assert put.status_code == 200 and without_metadata(put.json()) == asset


def test_filters_drop_nul_like_the_index(client):
    body = make_asset(name="a\u0000b", meta_info={"tags": ["c\u0000d"]})
    client.post("/synesthetic-assets/", content=json.dumps(body))
    assert (
        client.get("/synesthetic-assets/", params={"name": "a\u0000b"}).headers["x-total-count"]
        == "1"
    )
    assert (
        client.get("/synesthetic-assets/", params={"tag": "c\u0000d"}).headers["x-total-count"]
        == "1"
    )
    assert client.get("/shaders/", params={"name": "\u0000"}).status_code == 200

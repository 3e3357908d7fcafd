"""Component collections: full CRUD of shaders, tones, haptics, controls, modulations, rule bundles."""

from __future__ import annotations

import json

import pytest
from synharness.api.documents import SCHEMA_URL

from tests.api.helpers import error_of, without_metadata
from tests.factories import make_asset

#: URL path -> (document kind, the asset key that holds such a document).
COLLECTIONS = {
    "shaders": ("shader", "shader"),
    "tones": ("tone", "tone"),
    "haptics": ("haptic", "haptic"),
    "controls": ("control-bundle", "control"),
    "rule-bundles": ("rule-bundle", "rule_bundle"),
    "modulations": ("modulation", None),
}


def document(path: str, **changes):
    """A clean component document of the collection at ``path``, with its $schema."""
    kind, key = COLLECTIONS[path]
    asset = make_asset()
    if key is None:
        body = {"name": "Breath", "modulations": asset["modulations"]}
    else:
        body = dict(asset[key])
    return {"$schema": SCHEMA_URL.format(kind=kind), **body, **changes}


@pytest.mark.parametrize("path", list(COLLECTIONS))
def test_full_crud(client, path):
    doc = document(path)
    created = client.post(f"/{path}/", content=json.dumps(doc))
    assert created.status_code == 201, created.text
    url = created.headers["location"]
    assert url == f"/{path}/{created.json()['id']}"
    etag = created.headers["etag"]
    got = client.get(url)
    assert without_metadata(got.json()) == doc
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304

    listed = client.get(f"/{path}/")
    assert listed.headers["x-total-count"] == "1"
    assert [c["id"] for c in listed.json()] == [created.json()["id"]]

    renamed = document(path, name="Renamed")
    put = client.put(url, content=json.dumps(renamed), headers={"If-Match": etag})
    assert put.status_code == 200 and put.json()["name"] == "Renamed"
    assert client.put(url, content=json.dumps(doc), headers={"If-Match": etag}).status_code == 412

    patched = client.patch(
        url, content=b'{"description": "patched"}', headers={"If-Match": put.headers["etag"]}
    )
    assert patched.status_code == 200 and patched.json()["description"] == "patched"
    assert client.patch(url, content=b'{"name": 3}').status_code == 422

    assert client.delete(url, headers={"If-Match": etag}).status_code == 412
    assert client.delete(url, headers={"If-Match": patched.headers["etag"]}).status_code == 204
    assert client.get(url).status_code == 404
    assert client.get(f"/{path}/").headers["x-total-count"] == "0"


@pytest.mark.parametrize("path", list(COLLECTIONS))
def test_collection_refuses_other_kinds(client, path):
    other = "tones" if path != "tones" else "shaders"
    response = client.post(f"/{path}/", content=json.dumps(document(other)))
    assert response.status_code == 422
    codes = [f["code"] for f in error_of(response)["details"]["findings"]]
    assert "SYN-ENV-004" in codes


def test_ids_of_one_collection_are_not_found_in_another(client):
    shader = client.post("/shaders/", content=json.dumps(document("shaders"))).json()
    assert client.get(f"/tones/{shader['id']}").status_code == 404
    assert client.delete(f"/tones/{shader['id']}").status_code == 404
    assert (
        client.put(f"/tones/{shader['id']}", content=json.dumps(document("tones"))).status_code
        == 404
    )


def test_invalid_component_is_422_with_findings(client):
    bad = document("shaders")
    del bad["fragment_shader"]
    response = client.post("/shaders/", content=json.dumps(bad))
    assert response.status_code == 422
    assert any(f["code"] == "SYN-SCHEMA-001" for f in error_of(response)["details"]["findings"])


def test_list_filters_by_name(client):
    for name in ("Ring", "Disc", "Inner Ring"):
        client.post("/shaders/", content=json.dumps(document("shaders", name=name)))
    found = client.get("/shaders/", params={"name": "ring"})
    assert sorted(s["name"] for s in found.json()) == ["Inner Ring", "Ring"]
    assert found.headers["x-total-count"] == "2"


def test_deleting_a_linked_component_unlinks_the_asset(client):
    asset = client.post("/synesthetic-assets/nested", content=json.dumps(make_asset())).json()
    assert client.delete(f"/shaders/{asset['shader_id']}").status_code == 204
    nested = client.get(f"/synesthetic-assets/nested/{asset['id']}").json()
    assert "shader_id" not in nested
    # The asset keeps its own copy of the shader.
    assert nested["shader"] == make_asset()["shader"]

"""What the seed backend's clients read and send: its routes, keys and headers, nulls
for absent members, and partial PUTs (refused with SYN-STORE-002, naming PATCH)."""

from __future__ import annotations

import json

import httpx

from tests.api.helpers import asset_bytes, error_of
from tests.factories import make_asset


def test_root_ping_version(client):
    root = client.get("/")
    assert root.status_code == 200
    assert root.json()["schema_version"] == "0.7.3" and root.json()["docs"] == "/docs"
    ping = client.get("/ping", headers={"X-Request-ID": "abc-123"})
    assert ping.json() == {"status": "ok", "message": "pong", "request_id": "abc-123"}
    assert ping.headers["x-request-id"] == "abc-123"
    assert len(client.get("/ping").json()["request_id"]) == 32
    version = client.get("/version").json()
    assert version["schemaVersion"] == version["schema_version"] == "0.7.3"


def test_every_response_carries_x_schema_version(client):
    created = client.post("/synesthetic-assets/", content=asset_bytes())
    url = created.headers["location"]
    responses = [
        created,
        client.get(url),
        client.get(url, headers={"If-None-Match": created.headers["etag"]}),
        client.get("/synesthetic-assets/999"),
        client.post("/synesthetic-assets/", content=b"{"),
        client.get("/docs"),
        client.get("/openapi.json"),
        client.delete("/ping"),
    ]
    assert [r.status_code for r in responses] == [201, 200, 304, 404, 422, 200, 200, 405]
    assert all(r.headers["x-schema-version"] == "0.7.3" for r in responses)


def test_asset_responses_carry_the_seeds_id_key(client):
    created = client.post("/synesthetic-assets/", content=asset_bytes()).json()
    assert created["synesthetic_asset_id"] == created["id"]
    listed = client.get("/synesthetic-assets/").json()
    assert listed[0]["synesthetic_asset_id"] == created["id"]
    nested = client.get(f"/synesthetic-assets/nested/{created['id']}").json()
    assert nested["synesthetic_asset_id"] == created["id"]
    # sent back, the seed key is metadata like id
    again = client.put(f"/synesthetic-assets/{created['id']}", json=created)
    assert again.status_code == 200, again.text


def test_null_members_are_stored_as_absent_with_an_info_finding(client):
    sent = make_asset()
    sent["rule_bundle"] = None
    sent["modulation"] = None
    sent["control"]["control_parameters"][0]["smoothingTime"] = None
    response = client.post("/synesthetic-assets/", json=sent)
    assert response.status_code == 201, response.text
    body = response.json()
    assert "rule_bundle" not in body and "modulation" not in body
    assert "smoothingTime" not in body["control"]["control_parameters"][0]
    stored = client.get(response.headers["location"]).json()
    assert "rule_bundle" not in stored and "modulation" not in stored
    # the info findings are stored with the asset (its verdict stays what it was)
    assert (
        body["verdict"] == client.post("/synesthetic-assets/", json=make_asset()).json()["verdict"]
    )


def test_null_of_a_required_member_is_still_refused(client):
    sent = make_asset()
    sent["shader"]["fragment_shader"] = None
    response = client.post("/synesthetic-assets/", json=sent)
    assert response.status_code == 422
    codes = {f["code"] for f in error_of(response)["details"]["findings"]}
    assert "SYN-STORE-001" in codes and "SYN-SCHEMA-001" in codes


def test_partial_put_is_422_naming_patch_and_changes_nothing(client):
    created = client.post("/synesthetic-assets/", content=asset_bytes()).json()
    url = f"/synesthetic-assets/{created['id']}"
    response = client.put(url, json={"name": "renamed"})
    assert response.status_code == 422
    error = error_of(response)
    first = error["details"]["findings"][0]
    assert first["code"] == "SYN-STORE-002"
    assert "PATCH" in first["message"] and "shader" in first["message"]
    assert client.get(url).json()["name"] == created["name"]
    # PATCH does what the seed's partial PUT did
    patched = client.patch(url, json={"name": "renamed"})
    assert patched.status_code == 200 and patched.json()["shader"] == created["shader"]


def test_partial_put_of_a_component_is_422(client):
    created = client.post("/synesthetic-assets/", content=asset_bytes()).json()
    url = f"/synesthetic-assets/{created['id']}/shader"
    response = client.put(url, json={"fragment_shader": "void main() {}"})
    assert response.status_code == 422
    first = error_of(response)["details"]["findings"][0]
    assert first["code"] == "SYN-STORE-002" and "PATCH" in first["message"]
    shader = client.post("/shaders/", json={**make_asset()["shader"], "$schema": _url("shader")})
    component = shader.json()
    partial = client.put(f"/shaders/{component['id']}", json={"name": "only a name"})
    assert partial.status_code == 422
    assert error_of(partial)["details"]["findings"][0]["code"] == "SYN-STORE-002"


def _url(kind):
    return f"https://delk73.github.io/synesthetic-schemas/schema/0.7.3/{kind}.schema.json"


def test_offset_route_answers_a_nested_page_without_redirect(client):
    for i in range(3):
        client.post("/synesthetic-assets/nested", content=asset_bytes(name=f"n{i}"))
    response = client.get("/synesthetic-assets/offset/?offset=1&limit=1", follow_redirects=False)
    assert response.status_code == 200
    page = response.json()
    assert [a["name"] for a in page] == ["n1"] and page[0]["shader_id"] >= 1
    assert response.headers["x-total-count"] == "3"
    assert len(client.get("/synesthetic-assets/offset/").json()) == 3


def test_link_headers_page_through_a_list(client):
    for i in range(5):
        client.post("/synesthetic-assets/", content=asset_bytes(name=f"a{i}"))
    response = client.get("/synesthetic-assets/?limit=2&offset=2&verdict=pass")
    links = response.headers["link"]
    assert '</synesthetic-assets/?verdict=pass&limit=2&offset=0>; rel="first"' in links
    assert '</synesthetic-assets/?verdict=pass&limit=2&offset=0>; rel="prev"' in links
    assert '</synesthetic-assets/?verdict=pass&limit=2&offset=4>; rel="next"' in links
    assert '</synesthetic-assets/?verdict=pass&limit=2&offset=4>; rel="last"' in links
    last = client.get("/synesthetic-assets/?limit=2&offset=4")
    assert 'rel="next"' not in last.headers["link"]
    assert "link" not in client.get("/shaders/").headers


def test_rule_bundle_import_takes_a_multipart_file(client):
    bundle = make_asset()["rule_bundle"]
    document = json.dumps({"$schema": _url("rule-bundle"), **bundle}).encode()
    # The test client sends JSON by default: give the multipart body its own type.
    form = httpx.Request(
        "POST", "http://127.0.0.1/", files={"file": ("bundle.json", document, "application/json")}
    )
    response = client.post(
        "/rule-bundles/import",
        content=form.read(),
        headers={"Content-Type": form.headers["content-type"]},
    )
    assert response.status_code == 201, response.text
    stored = client.get(response.headers["location"]).json()
    assert stored["name"] == bundle["name"] and stored["rules"] == bundle["rules"]

    def upload(files: dict[str, tuple[str, bytes]]) -> httpx.Response:
        form = httpx.Request("POST", "http://127.0.0.1/", files=files)
        return client.post(
            "/rule-bundles/import",
            content=form.read(),
            headers={"Content-Type": form.headers["content-type"]},
        )

    missing = upload({"other": ("x.json", document)})
    assert missing.status_code == 422
    broken = upload({"file": ("x.json", b"{oops")})
    assert error_of(broken)["details"]["findings"][0]["code"] == "SYN-LOAD-001"


def test_cache_toggle_without_redis(client):
    assert client.get("/cache").json() == {"cache_enabled": False}
    assert client.post("/cache", json={"cache_enabled": False}).json() == {"cache_enabled": False}
    refused = client.post("/cache", json={"cache_enabled": True})
    assert refused.status_code == 409 and "REDIS_URL" in error_of(refused)["message"]
    assert client.post("/cache", json={"cache_enabled": "yes please"}).status_code == 422


def test_problem_details_keep_the_error_object(client):
    response = client.get("/synesthetic-assets/12345")
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "urn:synharness:problem:not_found"
    assert body["title"] == "Not Found" and body["status"] == 404
    assert body["error"] == {
        "code": "not_found",
        "message": "synesthetic asset 12345 not found",
        "details": {"id": 12345},
    }

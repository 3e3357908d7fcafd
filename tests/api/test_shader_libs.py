"""``/shader_libs/``: the seed's shader libraries, CRUD with its payloads."""

from __future__ import annotations

from tests.api.helpers import error_of

LIB = {
    "name": "ExampleLib",
    "version": "1",
    "reservedUniforms": ["u_time", "u_resolution"],
    "baseInputParametersSpec": [
        {
            "name": "positionX",
            "parameter": "u_px",
            "path": "u_px",
            "type": "float",
            "default": 0.0,
            "min": -1.0,
            "max": 1.0,
            "step": 0.01,
        }
    ],
    "helpers": {
        "sdCircle": {
            "glsl": "float sdCircle(vec2 p, float r) { return length(p) - r; }",
            "stage": "fragment",
            "requires": {"uniforms": ["u_r"]},
        }
    },
}


def test_shader_lib_crud(client):
    created = client.post("/shader_libs/", json=LIB)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["shaderlib_id"] == body["id"] and body["helpers"] == LIB["helpers"]
    url = created.headers["location"]
    assert url == f"/shader_libs/{body['id']}"
    got = client.get(url)
    assert {k: v for k, v in got.json().items() if k in LIB} == LIB
    assert client.get("/shader_libs/").json()[0]["name"] == "ExampleLib"
    renamed = client.put(
        url, json={**LIB, "name": "Renamed"}, headers={"If-Match": got.headers["etag"]}
    )
    assert renamed.status_code == 200 and renamed.json()["name"] == "Renamed"
    stale = client.put(url, json=LIB, headers={"If-Match": got.headers["etag"]})
    assert stale.status_code == 412
    # a GET answer can be sent back as it is
    assert client.put(url, json=renamed.json()).status_code == 200
    deleted = client.delete(url)
    assert deleted.status_code == 200 and deleted.json()["name"] == "Renamed"
    assert client.get(url).status_code == 404


def test_shader_lib_shape_is_checked(client):
    missing = client.post("/shader_libs/", json={"name": "x"})
    assert missing.status_code == 422
    pointers = {e["pointer"] for e in error_of(missing)["details"]["errors"]}
    assert {"/baseInputParametersSpec", "/helpers"} <= pointers
    bad_type = dict(
        LIB, baseInputParametersSpec=[dict(LIB["baseInputParametersSpec"][0], type="vec9")]
    )
    assert client.post("/shader_libs/", json=bad_type).status_code == 422
    assert client.post("/shader_libs/", content=b"[1]").status_code == 422
    assert client.put("/shader_libs/77", json=LIB).status_code == 404


def test_effective_helper_merges_the_library_and_the_helper(client):
    lib = {
        **LIB,
        "helpers": {
            "sdCircle": {
                "glsl": "float sdCircle(vec2 p, float r) { return length(p) - r; }",
                "requires": {
                    "uniforms": ["u_r", "u_time", "u_glow"],
                    "inputParametersSpec": [
                        {
                            "name": "radius",
                            "parameter": "u_r",
                            "path": "u_r",
                            "type": "float",
                            "default": 0.5,
                        }
                    ],
                },
            },
            "clash": {
                "glsl": "",
                "requires": {
                    "inputParametersSpec": [
                        {
                            "name": "x",
                            "parameter": "u_px",
                            "path": "u_px",
                            "type": "float",
                            "default": 0,
                        }
                    ]
                },
            },
        },
        "templates": {
            "fragment_shader": "// sdCircle in a comment\nvoid main() { float d = sdCircle(p, u_r); }"
        },
    }
    url = client.post("/shader_libs/", json=lib).headers["location"]
    got = client.get(f"{url}/helpers/sdCircle/effective")
    assert got.status_code == 200, got.text
    body = got.json()
    assert body["uniforms"] == ["u_time", "u_resolution", "u_glow", "u_r"]
    assert [p["parameter"] for p in body["inputParametersSpec"]] == ["u_px", "u_r"]
    assert body["template"] == {"valid": True, "warnings": ["uniform 'u_glow' not referenced"]}
    clash = client.get(f"{url}/helpers/clash/effective")
    assert clash.status_code == 422
    assert error_of(clash)["details"]["code"] == "COLLISION_BASE_PARAMETER"
    assert client.get(f"{url}/helpers/nope/effective").status_code == 422
    assert client.get("/shader_libs/99/helpers/sdCircle/effective").status_code == 404

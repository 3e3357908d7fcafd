"""``/protobuf-assets/``: application/x-protobuf in and out, the round trip equal to the
JSON, and the committed generated module equal to a fresh protoc compile."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from synharness.api.proto import synesthetic_asset_pb2 as pb
from synharness.api.protobuf import PROTOBUF, ProtobufError, from_proto, to_proto

from tests.api.helpers import asset_bytes, error_of, without_metadata
from tests.factories import make_asset

PROTO_DIR = Path(__file__).resolve().parents[2] / "api" / "proto"
EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.json"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_round_trip_is_exact_on_every_example(path):
    doc = json.loads(path.read_text(encoding="utf-8"))
    back = from_proto(to_proto(doc))
    assert json.dumps(back) == json.dumps(doc)  # same values, types and member order


def test_round_trip_keeps_json_types():
    doc = {
        "name": "x",
        "v": [1, 1.0, -0.5, None, True, "s", {"big": 2**70, "z": []}],
        "shader": None,
    }
    assert json.dumps(from_proto(to_proto(doc))) == json.dumps(doc)


def test_typed_fields_are_filled():
    message = pb.SynestheticAsset.FromString(to_proto(make_asset()))
    assert message.name == make_asset()["name"]
    assert message.shader.name == make_asset()["shader"]["name"]
    assert message.schema.endswith("synesthetic-asset.schema.json")


def test_garbage_is_a_protobuf_error():
    with pytest.raises(ProtobufError):
        from_proto(b"\xff\xff\xff")


def test_protobuf_crud_over_http(client):
    sent = make_asset()
    created = client.post(
        "/protobuf-assets/", content=to_proto(sent), headers={"Content-Type": PROTOBUF}
    )
    assert created.status_code == 201, created.text
    assert created.headers["content-type"] == PROTOBUF
    assert from_proto(created.content) == sent
    ident = int(created.headers["location"].rsplit("/", 1)[1])
    # the same asset, as JSON
    as_json = client.get(f"/synesthetic-assets/{ident}").json()
    assert without_metadata(as_json) == from_proto(client.get(f"/protobuf-assets/{ident}").content)
    renamed = dict(sent, name="renamed")
    replaced = client.put(
        f"/protobuf-assets/{ident}", content=to_proto(renamed), headers={"Content-Type": PROTOBUF}
    )
    assert replaced.status_code == 200 and from_proto(replaced.content)["name"] == "renamed"
    partial = client.put(
        f"/protobuf-assets/{ident}",
        content=to_proto({"name": "x"}),
        headers={"Content-Type": PROTOBUF},
    )
    assert error_of(partial)["details"]["findings"][0]["code"] == "SYN-STORE-002"
    deleted = client.delete(f"/protobuf-assets/{ident}")
    assert deleted.json() == {"status": "deleted"}
    assert client.get(f"/protobuf-assets/{ident}").status_code == 404


def test_from_synesthetic_answers_the_stored_asset(client):
    created = client.post("/synesthetic-assets/", content=asset_bytes()).json()
    response = client.post(f"/protobuf-assets/from-synesthetic/{created['id']}")
    assert response.status_code == 200
    assert from_proto(response.content) == without_metadata(created)
    assert client.post("/protobuf-assets/from-synesthetic/999").status_code == 404


def test_wrong_media_type_and_bad_bytes(client):
    as_json = client.post(
        "/protobuf-assets/", content=asset_bytes(), headers={"Content-Type": "application/json"}
    )
    assert as_json.status_code == 415 and error_of(as_json)["code"] == "unsupported_media_type"
    garbage = client.post(
        "/protobuf-assets/", content=b"\xff\xff", headers={"Content-Type": PROTOBUF}
    )
    assert garbage.status_code == 422
    invalid = client.post(
        "/protobuf-assets/", content=to_proto({"name": ""}), headers={"Content-Type": PROTOBUF}
    )
    assert invalid.status_code == 422


def test_committed_generated_module_matches_protoc(tmp_path):
    pytest.importorskip("grpc_tools", reason="grpcio-tools (dev extra) compiles the .proto")
    shutil.copy(PROTO_DIR / "synesthetic_asset.proto", tmp_path)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "grpc_tools.protoc",
            f"-I{tmp_path}",
            f"--python_out={tmp_path}",
            f"--pyi_out={tmp_path}",
            str(tmp_path / "synesthetic_asset.proto"),
        ],
        check=True,
    )
    for name in ("synesthetic_asset_pb2.py", "synesthetic_asset_pb2.pyi"):
        fresh = (tmp_path / name).read_text(encoding="utf-8")
        assert fresh == (PROTO_DIR / name).read_text(encoding="utf-8"), (
            f"{name} is stale: run python -m grpc_tools.protoc -Iapi/proto "
            "--python_out=api/proto --pyi_out=api/proto api/proto/synesthetic_asset.proto"
        )

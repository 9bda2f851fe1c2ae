"""`factsheet schema`: the JSON Schema of every type, written for editors."""

from __future__ import annotations

import json

from jsonschema import Draft202012Validator

from generator.read.yamlsrc import parse_yaml
from generator.site.config import load_config
from generator.site.schema import schema_json
from tests.conftest import copy_default_site, tree_bytes


def test_schema_writes_each_type_into_site_schema(factsheet, tmp_path) -> None:
    site = copy_default_site(tmp_path)
    result = factsheet("schema", "--site", site)
    assert result.code == 0
    assert "Wrote 4 schemas" in result.err
    config = load_config(site)
    written = tree_bytes(site / "schema")
    assert written == {f"{t.name}.json": schema_json(t) for t in config.types}


def test_every_default_record_is_valid_under_its_written_schema(factsheet, tmp_path) -> None:
    site = copy_default_site(tmp_path)
    out = tmp_path / "editor-schemas"
    assert factsheet("schema", "--site", site, "--out", out).code == 0
    assert not (site / "schema").exists()
    for spec in load_config(site).types:
        schema = json.loads((out / f"{spec.name}.json").read_text())
        Draft202012Validator.check_schema(schema)
        validator = Draft202012Validator(schema)
        for path in sorted((site / "content" / spec.folder).glob("*.yaml")):
            doc = parse_yaml(path.name, path.read_bytes())
            assert not list(validator.iter_errors(doc.data)), path  # type: ignore[union-attr]
        assert list(validator.iter_errors({"nmae": "x"}))  # a typo does not pass


def test_schema_overwrites_its_own_files_and_keeps_others(factsheet, tmp_path) -> None:
    site = copy_default_site(tmp_path)
    (site / "schema").mkdir()
    (site / "schema" / "city.json").write_text("old")
    (site / "schema" / "notes.txt").write_text("mine")
    assert factsheet("schema", "--site", site).code == 0
    assert (site / "schema" / "city.json").read_text().startswith("{")
    assert (site / "schema" / "notes.txt").read_text() == "mine"


def test_schema_errors_are_reported_not_raised(factsheet, tmp_path) -> None:
    site = copy_default_site(tmp_path)
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = factsheet("schema", "--site", site, "--out", blocker)
    assert result.code == 1
    assert result.err.startswith(f"{blocker}:1:1: error: cannot write the schema: ")
    (site / "site.yaml").write_text("title: x\ntypes: {}\n")
    broken = factsheet("schema", "--site", site)
    assert broken.code == 1 and broken.err.startswith("site.yaml:")
    assert "Traceback" not in broken.err

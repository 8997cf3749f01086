"""The `qingfeng classify` contract (SPEC "Contracts")."""
from __future__ import annotations

import argparse
import io
import json

from bot.cli import classify
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "nlp" / "data"

FIELDS = {"id", "category", "confidence", "township", "village", "level", "route_to", "reason", "category2"}


def _run(lines: list[str]) -> list[dict[str, object]]:
    parser = argparse.ArgumentParser(prog="qingfeng")
    classify.register(parser.add_subparsers())
    args = parser.parse_args(["classify", "--registry", str(DATA / "registry_demo.json")])
    out = io.StringIO()
    assert args.func(args, stdin=io.StringIO("\n".join(lines) + "\n"), stdout=out) == 0
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_one_output_line_per_input_with_contract_fields() -> None:
    rows = _run([
        json.dumps({"id": 1, "text": "南坝镇胡家庄村的村支书把我家低保扣了一半"}, ensure_ascii=False),
        json.dumps({"id": "b", "text": "东岭镇镇长公款吃喝"}, ensure_ascii=False),
    ])
    assert [set(r) for r in rows] == [FIELDS, FIELDS]
    assert rows[0]["route_to"] == "610798101" and rows[0]["village"] == "610798101201"
    assert rows[1]["route_to"] == "610798" and rows[1]["level"] == "township"
    assert all("\n" not in str(r["reason"]) for r in rows)


def test_bad_lines_get_an_error_and_the_run_continues() -> None:
    rows = _run(["{not json", json.dumps({"id": 7}), json.dumps({"id": 8, "text": "邻居吵架"}, ensure_ascii=False)])
    assert "error" in rows[0]
    assert rows[1]["id"] == 7 and "error" in rows[1]
    assert rows[2]["id"] == 8 and rows[2]["category"] == "other" and rows[2]["route_to"] == ""


def test_output_is_not_ascii_escaped() -> None:
    parser = argparse.ArgumentParser(prog="qingfeng")
    classify.register(parser.add_subparsers())
    args = parser.parse_args(["classify", "--registry", str(DATA / "registry_demo.json")])
    out = io.StringIO()
    args.func(args, stdin=io.StringIO(json.dumps({"id": 1, "text": "村主任收红包"}) + "\n"), stdout=out)
    assert "\\u" not in out.getvalue() and "受理" in out.getvalue()

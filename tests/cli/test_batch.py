"""``householder batch``: many households, each failure isolated, one JSON each and a summary
table; the same answers from the local process pool, from this process and from a Dask
cluster (a ``LocalCluster`` here). Nothing here is timed.
"""

from __future__ import annotations

import copy
import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner, Result

from householder.cli import app
from householder.errors import InputError
from householder.plan.batch import (
    Job,
    Outcome,
    Source,
    expand_inputs,
    output_names,
    run_household,
    run_many,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
GOOD = ("kendra.yaml", "three-account.yaml", "joe.yaml")
VOLATILE = {"solver"}
"""Timings in a plan's document, not answers."""


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Three example households and one broken file (no target, no accounts) in a folder."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in GOOD:
        shutil.copy(EXAMPLES / name, inputs / name)
    (inputs / "broken.yaml").write_text("name: broken\nas_of: 2024-01-01\n", encoding="utf-8")
    return inputs


def answers(out: Path) -> dict[str, Any]:
    """Every household's JSON in ``out``, timings dropped."""
    docs = {}
    for path in sorted(out.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        docs[path.name] = {k: v for k, v in doc.items() if k not in VOLATILE}
    return docs


def test_batch_isolates_a_failing_household(folder: Path, tmp_path: Path) -> None:
    """The broken file fails alone: exit 1 with the count, its error in its JSON and in the
    summary; every other household's JSON is what ``householder plan --json`` gives."""
    out = tmp_path / "out"
    result = run("batch", folder, "--out", out, "--jobs", "2")
    assert result.exit_code == 1, result.stderr
    assert "error: 1 household failed (exit 1)" in result.stdout
    assert "4 households in" in result.stdout and "3 ok, 1 failed" in result.stdout
    broken = json.loads((out / "broken.json").read_text(encoding="utf-8"))
    assert broken["kind"] == "HouseholdFileError"
    assert any(p.startswith("target:") for p in broken["problems"])
    for name in GOOD:
        alone = run("plan", folder / name, "--json")
        assert alone.exit_code == 0, alone.stderr
        expected = {k: v for k, v in json.loads(alone.stdout).items() if k not in VOLATILE}
        assert answers(out)[name.replace(".yaml", ".json")] == expected, name
    with open(out / "summary.csv", encoding="utf-8", newline="") as f:
        rows = {Path(r["file"]).name: r for r in csv.DictReader(f)}
    assert set(rows) == {*GOOD, "broken.yaml"}
    assert rows["broken.yaml"]["status"] == "failed"
    assert "target: required" in rows["broken.yaml"]["error"]
    kendra = json.loads((out / "kendra.json").read_text(encoding="utf-8"))
    row = rows["kendra.yaml"]
    assert row["status"] == "ok" and row["household"] == kendra["household"]
    assert int(row["trades"]) == sum(len(a["trades"]) for a in kendra["accounts"])
    assert float(row["tax"]) == kendra["tax"]["estimated_tax"]
    assert float(row["fees_before"]) == kendra["costs"]["fees_annual_before"]
    assert float(row["fees_after"]) == kendra["costs"]["fees_annual_after"]
    assert float(row["drift_after"]) == kendra["costs"]["remaining_drift"]


def test_a_bug_in_one_household_is_reported_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    """An unexpected exception (a bug) in one household is that household's failure, with its
    message; the caller never sees it raised."""
    import householder.optimize as optimize

    def boom(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(optimize, "solve_household", boom)
    text = (EXAMPLES / "kendra.yaml").read_text(encoding="utf-8")
    outcome = run_household(Source("kendra.yaml", text, "yaml"), Job("plan"))
    assert outcome.status == "failed" and outcome.kind == "ZeroDivisionError"
    assert "a bug" in outcome.error
    assert run_household(Source("kendra.yaml", text, "yaml"), Job("drift")).ok


def test_the_pool_this_process_and_dask_give_the_same_answers(
    folder: Path, tmp_path: Path
) -> None:
    """One batch three ways: a local pool of two processes, this process alone, and a Dask
    LocalCluster of two worker processes (``--scheduler``): the same JSON for every
    household, the same summary but for the seconds."""
    distributed = pytest.importorskip(
        "distributed", reason="Dask's distributed scheduler is the [dask] extra (in [test])"
    )
    outs = {name: tmp_path / name for name in ("pool", "here", "dask")}
    assert run("batch", folder, "--out", outs["pool"], "--jobs", "2").exit_code == 1
    assert run("batch", folder, "--out", outs["here"], "--jobs", "1").exit_code == 1
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        result = run("batch", folder, "--out", outs["dask"], "--scheduler",
                     cluster.scheduler_address)
    assert result.exit_code == 1, result.stderr
    assert answers(outs["pool"]) == answers(outs["here"]) == answers(outs["dask"])
    assert len(answers(outs["dask"])) == 4

    def table(out: Path) -> list[dict[str, str]]:
        with open(out / "summary.csv", encoding="utf-8", newline="") as f:
            return [{k: v for k, v in r.items() if k != "seconds"} for r in csv.DictReader(f)]

    assert table(outs["pool"]) == table(outs["here"]) == table(outs["dask"])


def test_summary_parquet_matches_the_csv(folder: Path, tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow", reason="Parquet needs pyarrow (the [parquet] extra)")
    out = tmp_path / "out"
    run("batch", folder, "--out", out, "--jobs", "1", "--command", "drift")
    parquet = pd.read_parquet(out / "summary.parquet")
    csv_frame = pd.read_csv(out / "summary.csv")
    assert list(parquet.columns) == list(csv_frame.columns)
    assert list(parquet["status"]) == list(csv_frame["status"])
    assert parquet["file"].map(lambda p: Path(p).name).tolist() == sorted(
        [*GOOD, "broken.yaml"]
    )


def test_batch_json_is_one_document(folder: Path, tmp_path: Path) -> None:
    result = run("batch", folder / "kendra.yaml", "--out", tmp_path / "out", "--jobs", "1",
                 "--command", "drift", "--json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["households"] == 1 and doc["ok"] == 1 and doc["failed"] == 0
    assert doc["summary"][0]["fees_before"] is None  # drift has no fees: null, not NaN


def test_existing_outputs_are_kept_unless_forced(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("batch", folder / "kendra.yaml", "--out", out, "--jobs", "1").exit_code == 0
    again = run("batch", folder / "kendra.yaml", "--out", out, "--jobs", "1")
    assert again.exit_code == 1 and "exists" in again.stderr, again.output
    forced = run("batch", folder / "kendra.yaml", "--out", out, "--jobs", "1", "--force")
    assert forced.exit_code == 0, forced.stderr


def test_contribute_needs_an_amount_or_to_target(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("batch", folder, "--out", out, "--command", "contribute").exit_code == 2
    assert run("batch", folder, "--out", out, "--command", "bogus").exit_code == 2
    assert run("batch", folder, "--out", out, "--amount", "100").exit_code == 2
    ok = run("batch", folder / "kendra.yaml", "--out", out, "--jobs", "1", "--command",
             "contribute", "--amount", "1000", "--json")
    assert ok.exit_code == 0, ok.stderr
    doc = json.loads((out / "kendra.json").read_text(encoding="utf-8"))
    assert doc["command"] == "contribute"


def test_inputs_files_folders_globs_and_lists(folder: Path, tmp_path: Path) -> None:
    """A folder's household files (sorted), a glob the shell left alone, a CSV list (paths
    relative to it), each file once; anything naming nothing is an error naming it."""
    names = sorted([*GOOD, "broken.yaml"])
    assert [p.name for p in expand_inputs([folder])] == names
    assert [p.name for p in expand_inputs([str(folder / "k*.yaml")])] == ["kendra.yaml"]
    listing = tmp_path / "list.csv"
    listing.write_text("file,advisor\nin/joe.yaml,a\nin/kendra.yaml,b\n\n", encoding="utf-8")
    assert [p.name for p in expand_inputs([listing])] == ["joe.yaml", "kendra.yaml"]
    bare = tmp_path / "bare.csv"
    bare.write_text("in/joe.yaml\n", encoding="utf-8")
    assert [p.name for p in expand_inputs([bare, folder / "joe.yaml"])] == ["joe.yaml"]
    with pytest.raises(InputError, match=r"nothing\.yaml: no such file"):
        expand_inputs([folder / "kendra.yaml", tmp_path / "nothing.yaml"])
    with pytest.raises(InputError, match="matches no file"):
        expand_inputs([str(tmp_path / "*.toml")])
    result = run("batch", tmp_path / "nothing.yaml", "--out", tmp_path / "out")
    assert result.exit_code == 1 and "no such file" in result.stderr


def test_output_names_are_unique() -> None:
    paths = [Path("a/x.yaml"), Path("b/x.yaml"), Path("c/X.json"), Path("summary.yaml")]
    assert output_names(paths) == ["x.json", "x-2.json", "X-3.json", "summary-2.json"]


def test_run_many_reports_in_input_indices(folder: Path) -> None:
    """``done`` gets each household's index among the inputs, whatever order they finish."""
    paths = expand_inputs([folder])
    got: dict[int, Outcome] = {}
    run_many(paths, Job("drift"), lambda i, o: got.__setitem__(i, o), jobs=1)
    assert sorted(got) == list(range(len(paths)))
    assert [Path(got[i].source).name for i in range(len(paths))] == [p.name for p in paths]
    assert [o.ok for _, o in sorted(got.items())] == [p.name != "broken.yaml" for p in paths]


def test_unreadable_input_is_its_own_failure(folder: Path, tmp_path: Path) -> None:
    """A file that cannot be read (not UTF-8) fails alone, before any worker sees it."""
    bad = folder / "latin1.yaml"
    data = copy.deepcopy(yaml.safe_load((EXAMPLES / "kendra.yaml").read_text(encoding="utf-8")))
    bad.write_bytes(yaml.safe_dump(data).encode("utf-8") + b"# caf\xe9\n")
    result = run("batch", folder, "--out", tmp_path / "out", "--jobs", "1", "--command", "drift")
    assert result.exit_code == 1
    doc = json.loads((tmp_path / "out" / "latin1.json").read_text(encoding="utf-8"))
    assert "not UTF-8" in doc["error"]


def test_json_tables_only_for_a_person(monkeypatch: pytest.MonkeyPatch) -> None:
    """``plan --json`` with stderr not a terminal: the document on stdout, the messages on
    stderr, no table (nobody reads it: rendering the tables of a 10,000-lot plan cost more
    than parsing its file); ``HOUSEHOLDER_TABLES=1`` asks for them."""
    monkeypatch.delenv("HOUSEHOLDER_TABLES")
    quiet = run("plan", EXAMPLES / "kendra.yaml", "--json")
    assert quiet.exit_code == 0
    assert json.loads(quiet.stdout)["household"] == "Kendra"
    assert "trades bring the household to its target" in quiet.stderr
    assert "┃" not in quiet.stderr and "Kendra: plan on" not in quiet.stderr
    monkeypatch.setenv("HOUSEHOLDER_TABLES", "1")
    shown = run("plan", EXAMPLES / "kendra.yaml", "--json")
    assert json.loads(shown.stdout) == json.loads(quiet.stdout) | {
        "solver": json.loads(shown.stdout)["solver"]
    }
    assert "Kendra: plan on" in shown.stderr and "┃" in shown.stderr
    monkeypatch.setenv("HOUSEHOLDER_TABLES", "0")
    human = run("plan", EXAMPLES / "kendra.yaml")  # without --json: always the tables
    assert "Kendra: plan on" in human.stdout


def test_a_household_refused_after_reading_keeps_its_name_in_the_summary(tmp_path: Path) -> None:
    """kendra-late.yaml's 401(k) has $1,000 of 402(g) room left: $6,000 is refused with the
    reason, its row still names the household, the other households are planned, exit 1."""
    import csv

    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["batch", str(EXAMPLES / "kendra-late.yaml"),
                                 str(EXAMPLES / "kendra.yaml"), "--out", str(out),
                                 "--command", "contribute", "--amount", "6000", "--jobs", "1"])
    assert result.exit_code == 1
    rows = {Path(r["file"]).name: r for r in csv.DictReader((out / "summary.csv").open())}
    assert rows["kendra-late.yaml"]["status"] == "failed"
    assert rows["kendra-late.yaml"]["household"] == "Kendra"
    assert "402(g)" in rows["kendra-late.yaml"]["error"]
    assert rows["kendra.yaml"]["status"] == "ok"

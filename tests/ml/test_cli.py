import json
from pathlib import Path

import pytest

from ml.__main__ import main

THEMES = "ml/data/hackathon11_themes.json"
DEV = "ml/data/dev_ideas.csv"


@pytest.fixture
def run(capsys):
    def invoke(*argv):
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


def test_evaluate_prints_the_contract_as_last_line(run, tmp_path):
    code, out, err = run(
        "evaluate",
        "--data",
        DEV,
        "--themes",
        THEMES,
        "--encoder",
        "lexical",
        "--shots",
        "3",
    )
    assert code == 0
    result = json.loads(out.strip().splitlines()[-1])
    for key in (
        "n",
        "encoder",
        "zero_shot_macro_f1",
        "few_shot_macro_f1",
        "shots",
        "abstain_rate",
        "dup_recall_at_1",
        "cluster_ari",
        "cluster_nmi",
        "n_clusters",
        "fine_cluster_ari",
        "fine_cluster_nmi",
        "fine_n_clusters",
        "keyword_whole_word_rate",
        "seconds",
    ):
        assert key in result
    assert result["n"] == 122
    assert result["shots"] == 3
    assert 0 <= result["zero_shot_macro_f1"] <= 1
    # The top level is the four themes, and "not yet placed" when the model
    # found ideas unlike the others; the leaves sit inside them.
    assert 4 <= result["n_clusters"] <= 5
    assert result["fine_n_clusters"] >= result["n_clusters"]
    assert -1 <= result["fine_cluster_ari"] <= 1
    assert "encoding" in err


def test_bench_times_every_step(run):
    code, out, _ = run("bench", "--data", DEV, "--n", "50", "--encoder", "lexical")
    assert code == 0
    result = json.loads(out.strip().splitlines()[-1])
    assert result["n"] == 50
    for key in (
        "encode_s",
        "languages_s",
        "align_s",
        "map_s",
        "words_s",
        "cluster_s",
        "keywords_s",
        "duplicates_s",
        "project_s",
        "after_encode_s",
        "n_top",
        "n_leaves",
        "total_s",
        "texts_per_s",
        "peak_rss_mb",
        "one_idea_ms",
        "one_idea_p95_ms",
        "one_idea_cpu_ms",
    ):
        assert result[key] >= 0
    assert result["one_idea_stored"] == 10_000
    assert result["one_idea_chars"] > 0


@pytest.mark.parametrize(
    ("csv_bytes", "themes", "message"),
    [
        (b"title,label\nx,services\n", None, "no 'text' column"),
        ("text\nถนนพัง\n".encode("cp874"), None, "not UTF-8"),
        (b"", None, "empty"),
        (b"text\nhello\n", [{"code": "a", "name": "A"}], "'description'"),
        (
            b"text\nhello\n",
            [{"code": "a", "name": "A", "description": ""}] * 2,
            "duplicate theme code",
        ),
    ],
)
def test_bad_input_is_a_clear_error(run, tmp_path, csv_bytes, themes, message):
    data = tmp_path / "ideas.csv"
    data.write_bytes(csv_bytes)
    themes_file = tmp_path / "themes.json"
    themes_file.write_text(
        json.dumps(themes) if themes else Path(THEMES).read_text(encoding="utf-8")
    )
    code, out, err = run(
        "evaluate",
        "--data",
        str(data),
        "--themes",
        str(themes_file),
        "--encoder",
        "lexical",
    )
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_unknown_encoder_is_reported(run):
    code, _, err = run("bench", "--data", DEV, "--encoder", "nope")
    assert code == 2
    assert "unknown encoder" in err


def test_one_idea_and_identical_ideas_still_give_a_result(run, tmp_path):
    data = tmp_path / "ideas.csv"
    data.write_text(
        "text,label\nถนนพัง,services\n" + "ซ้ำ,digital\n" * 3, encoding="utf-8"
    )
    code, out, _ = run(
        "evaluate", "--data", str(data), "--themes", THEMES, "--encoder", "lexical"
    )
    assert code == 0
    assert json.loads(out.strip().splitlines()[-1])["n"] == 4

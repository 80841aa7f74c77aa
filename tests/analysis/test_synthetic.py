"""The synthetic generator makes exports that look like real ones."""

import numpy as np

from analysis.loading import prepare
from analysis.reliability import cronbach_alpha
from analysis.scoring import keyed_items
from analysis.synthetic import generate


def test_generated_export_follows_the_codebook(codebooks):
    codebook = codebooks["professionals"]
    raw = generate(codebook, 400, seed=1, waves=["T0", "T1", "T2"])
    assert list(raw.columns[:9]) == list(codebook.metadata_columns)
    assert set(codebook.item_codes) <= set(raw.columns)
    frame = prepare(raw, codebook)  # raises if any cell breaks the contract
    assert set(frame["wave"]) == {"T0", "T1", "T2"}
    assert frame["team"].notna().all()
    panel = frame["panel_code"].notna()
    assert 0.4 < panel.mean() < 0.6
    assert (frame[panel].groupby("panel_code")["site"].nunique() == 1).all()


def test_generated_answers_are_correlated_with_some_missing(codebooks):
    codebook = codebooks["patients"]
    raw = generate(codebook, 800, seed=2)
    item = codebook.scales[0].items[0]
    assert (raw[item] == "dont_know").any() and (raw[item] == "").any()
    frame = prepare(raw, codebook)
    for scale in codebook.scales:
        alpha = cronbach_alpha(keyed_items(frame, scale)).value
        assert 0.6 < alpha < 0.97, scale.code


def test_generation_is_reproducible(codebooks):
    codebook = codebooks["citizens"]
    first = generate(codebook, 50, seed=3)
    assert first.equals(generate(codebook, 50, seed=3))
    assert not first.equals(generate(codebook, 50, seed=4))
    assert np.all(first["questionnaire"] == "citizens")

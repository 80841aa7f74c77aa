"""Reliability and agreement against R itself: psych's alpha() and omega(), multilevel's rwg.j(),
ICC1() and ICC2(), run by Rscript on the same data, to 3 decimals (see tests/analysis/rscript.py).

Data: generated items with missing answers, and public data sets shipped with the R packages:
psych's ``bfi`` (2,800 people, 25 six-point items of the Big Five, 731 missing answers),
multilevel's ``lq2002`` (2,042 soldiers in 49 companies, five-point items) and ``bh1996``
(7,382 soldiers in 99 groups).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.agreement import icc1, icc2, rwg_j_by_group
from analysis.reliability import cronbach_alpha, item_statistics, mcdonald_omega
from tests.analysis.rscript import r_table, require_r, run_r

BFI_SCALES = {
    "agree": ["A1", "A2", "A3", "A4", "A5"],
    "conscientious": ["C1", "C2", "C3", "C4", "C5"],
    "extraversion": ["E1", "E2", "E3", "E4", "E5"],
    "neuroticism": ["N1", "N2", "N3", "N4", "N5"],
    "openness": ["O1", "O2", "O3", "O4", "O5"],
}
BFI_REVERSED = ["A1", "C4", "C5", "E1", "E2", "O2", "O5"]  # psych's bfi.keys


@pytest.fixture(scope="session")
def r_data(tmp_path_factory):
    """bfi, lq2002 and bh1996 written to CSV by R (NA for missing answers)."""
    require_r()
    folder = tmp_path_factory.mktemp("rdata")
    run_r('data(bfi); data(lq2002); data(bh1996)\n'
          'write.csv(data.frame(id = rownames(bfi), bfi), "bfi.csv", row.names = FALSE)\n'
          'write.csv(lq2002, "lq2002.csv", row.names = FALSE)\n'
          'write.csv(bh1996, "bh1996.csv", row.names = FALSE)\n', folder)
    return folder


def generated_items(seed: int, n: int = 400, k: int = 6, missing: float = 0.08) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    trait = rng.normal(size=n)
    loadings = np.linspace(0.4, 0.9, k)
    data = np.clip(np.rint(3 + trait[:, None] * loadings + rng.normal(size=(n, k)) * 0.9), 1, 5)
    frame = pd.DataFrame(data, columns=[f"q{j}" for j in range(k)])
    return frame.mask(rng.random(frame.shape) < missing)


PSYCH_SCALE = """
x <- read.csv("items.csv")
a <- alpha(x)
a_list <- alpha(x, use = "complete.obs")
o <- omega(x, nfactors = 1, plot = FALSE)
write.csv(data.frame(alpha = a$total$raw_alpha, alpha_listwise = a_list$total$raw_alpha,
                     omega = o$omega.tot), "result.csv", row.names = FALSE)
write.csv(data.frame(r_drop = a$item.stats$r.drop, alpha_drop = a$alpha.drop$raw_alpha),
          "items_result.csv", row.names = FALSE)
"""


def psych_reference(items: pd.DataFrame, folder) -> tuple[pd.Series, pd.DataFrame]:
    items.to_csv(folder / "items.csv", index=False, na_rep="NA")
    total = r_table(PSYCH_SCALE, folder).iloc[0]
    return total, pd.read_csv(folder / "items_result.csv")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_alpha_and_omega_equal_psych_on_generated_items_with_missing_answers(seed, tmp_path):
    items = generated_items(seed)
    assert items.isna().any(axis=1).mean() > 0.3  # listwise would drop a third of the people
    expected, item_expected = psych_reference(items, tmp_path)
    assert round(cronbach_alpha(items).value, 3) == round(expected["alpha"], 3)
    assert cronbach_alpha(items).value == pytest.approx(expected["alpha"], abs=5e-4)
    listwise = cronbach_alpha(items, missing="listwise")
    assert listwise.value == pytest.approx(expected["alpha_listwise"], abs=5e-4)
    assert listwise.missing == "listwise" and listwise.n == len(items.dropna())
    assert mcdonald_omega(items, n_boot=0).value == pytest.approx(expected["omega"], abs=5e-4)
    stats = item_statistics(items)
    np.testing.assert_allclose(stats["item_total_r"], item_expected["r_drop"], atol=5e-4)
    np.testing.assert_allclose(stats["alpha_if_deleted"], item_expected["alpha_drop"], atol=5e-4)


def bfi_keyed(folder) -> pd.DataFrame:
    bfi = pd.read_csv(folder / "bfi.csv")
    for code in BFI_REVERSED:
        bfi[code] = 7 - bfi[code]
    return bfi


@pytest.mark.parametrize("scale", sorted(BFI_SCALES))
def test_alpha_and_omega_equal_psych_on_the_big_five_inventory(scale, r_data, tmp_path):
    items = bfi_keyed(r_data)[BFI_SCALES[scale]]
    assert items.isna().any().any()
    expected, _ = psych_reference(items, tmp_path)
    assert cronbach_alpha(items).value == pytest.approx(expected["alpha"], abs=5e-4)
    assert mcdonald_omega(items, n_boot=0).value == pytest.approx(expected["omega"], abs=5e-4)
    # Listwise deletion, the old default, is not what psych reports on this data.
    assert cronbach_alpha(items, missing="listwise").value == pytest.approx(
        expected["alpha_listwise"], abs=5e-4)


def test_omega_interval_is_a_reproducible_bootstrap_around_the_estimate(r_data):
    items = bfi_keyed(r_data)[BFI_SCALES["agree"]]
    first = mcdonald_omega(items, n_boot=200, seed=3)
    again = mcdonald_omega(items, n_boot=200, seed=3)
    other = mcdonald_omega(items, n_boot=200, seed=4)
    assert (first.ci_low, first.ci_high) == (again.ci_low, again.ci_high)
    assert (first.ci_low, first.ci_high) != (other.ci_low, other.ci_high)
    assert first.ci_low < first.value < first.ci_high
    assert first.ci_high - first.ci_low < 0.05  # 2,800 people: a narrow interval


def test_rwg_j_equals_multilevel_per_company(r_data, tmp_path):
    lq = pd.read_csv(r_data / "lq2002.csv")
    items = [f"LEAD{j:02d}" for j in range(1, 12)]
    expected = r_table('lq <- read.csv("' + str(r_data / "lq2002.csv") + '")\n'
                       'r <- rwg.j(lq[, 3:13], lq$COMPID, ranvar = 2)\n'
                       'write.csv(r, "result.csv", row.names = FALSE)\n', tmp_path)
    ours = rwg_j_by_group(lq, items, "COMPID", n_options=5)
    expected = expected.set_index("grpid")
    assert len(ours) == len(expected) == 49
    np.testing.assert_allclose(ours["rwg_j"].to_numpy(), expected.loc[ours.index, "rwg.j"],
                               atol=5e-4)
    assert (ours["n"].to_numpy() == expected.loc[ours.index, "gsize"].to_numpy()).all()


@pytest.mark.parametrize("column", ["WBEING", "LEAD", "HRS", "COHES"])
def test_icc1_and_icc2_equal_multilevel_on_99_groups(column, r_data, tmp_path):
    bh = pd.read_csv(r_data / "bh1996.csv")
    expected = r_table(f'bh <- read.csv("{r_data / "bh1996.csv"}")\n'
                       f'm <- aov({column} ~ as.factor(GRP), data = bh)\n'
                       'write.csv(data.frame(icc1 = ICC1(m), icc2 = ICC2(m)), "result.csv",\n'
                       '          row.names = FALSE)\n', tmp_path).iloc[0]
    assert icc1(bh[column], bh["GRP"]) == pytest.approx(expected["icc1"], abs=5e-4)
    assert icc2(bh[column], bh["GRP"]) == pytest.approx(expected["icc2"], abs=5e-4)

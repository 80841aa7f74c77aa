"""Leadership network indicators against networkx and hand-counted examples."""

import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from analysis.leadership import gini, network_indicators, parse_nominations, team_networks

MEMBERS = ["ana", "ben", "cho", "dev", "eli"]


def nx_graph(members, ties):
    graph = nx.DiGraph()
    graph.add_nodes_from(members)
    graph.add_edges_from(ties)
    return graph


def freeman_in_centralization(graph):
    # Freeman (1979) on normalised in-degree centralities: sum(max - c_i) / (n - 1).
    centrality = nx.in_degree_centrality(graph)
    top = max(centrality.values())
    return sum(top - c for c in centrality.values()) / (graph.number_of_nodes() - 1)


def mean_difference_gini(values):
    x = np.asarray(values, dtype=float)
    return np.abs(x[:, None] - x[None, :]).sum() / (2 * len(x) ** 2 * x.mean())


def test_indicators_match_networkx():
    ties = [("ana", "ben"), ("cho", "ben"), ("dev", "ben"), ("ben", "ana"), ("eli", "cho")]
    result = network_indicators(ties, MEMBERS)
    graph = nx_graph(MEMBERS, ties)
    assert result.density == pytest.approx(nx.density(graph))
    assert result.centralization == pytest.approx(freeman_in_centralization(graph))
    in_degrees = dict(graph.in_degree())
    assert result.in_degree == in_degrees
    assert result.gini == pytest.approx(mean_difference_gini(list(in_degrees.values())))
    assert result.n_members == 5 and result.n_ties == 5


def test_random_networks_match_networkx():
    rng = np.random.default_rng(0)
    members = [f"m{i}" for i in range(9)]
    for _ in range(10):
        pairs = [(members[a], members[b]) for a, b in rng.integers(0, 9, size=(25, 2)) if a != b]
        result = network_indicators(pairs, members)
        graph = nx_graph(members, pairs)
        assert result.density == pytest.approx(nx.density(graph))
        assert result.centralization == pytest.approx(freeman_in_centralization(graph))
        assert result.gini == pytest.approx(mean_difference_gini(
            [d for _, d in graph.in_degree()]))


def test_self_and_non_member_nominations_are_ignored_and_counted():
    noms = [("ana", "ana"), ("ana", "ben"), ("ana", "ben"), ("ben", "outsider"), ("cho", "ana")]
    result = network_indicators(noms, MEMBERS)
    assert result.ignored_self == 1
    assert result.ignored_non_member == 1
    assert result.n_ties == 2  # the repeated ana -> ben counts once
    assert result.density == pytest.approx(2 / (5 * 4))


def test_valued_density_and_coverage():
    # Carson et al. (2007) rated reliance (1-5): sum of ratings / n(n-1), then / maximum rating.
    noms = [("ana", "ben", 5), ("cho", "ben", 4), ("ben", "ana", 3), ("cho", "ben", 2)]
    result = network_indicators(noms, MEMBERS, respondents=["ana", "ben", "cho"], max_rating=5)
    expected = (5 + (4 + 2) / 2 + 3) / 20
    assert result.valued_density == pytest.approx(expected)
    assert result.valued_density_normalised == pytest.approx(expected / 5)
    assert result.coverage == pytest.approx(3 / 5)
    assert result.n_respondents == 3


def test_edge_cases():
    empty = network_indicators([], MEMBERS)
    assert empty.density == 0 and empty.centralization == 0 and math.isnan(empty.gini)
    single = network_indicators([], ["ana"])
    assert math.isnan(single.density) and math.isnan(single.centralization)
    star = network_indicators([(m, "ana") for m in MEMBERS[1:]], MEMBERS)
    assert star.centralization == pytest.approx(1.0)  # a perfect star is fully centralised
    assert gini([0, 0, 0]) != gini([0, 0, 0]) or math.isnan(gini([0, 0, 0]))


def test_parse_nominations_reads_rated_tokens():
    cells = pd.Series(["ana:5 ben:3", pd.NA, "cho:2", "ana:5 ben:3"], index=[10, 11, 12, 13])
    parsed = parse_nominations(cells, rated=True)
    assert parsed["row"].tolist() == [10, 10, 12, 13, 13]
    assert parsed["to"].tolist() == ["ana", "ben", "cho", "ana", "ben"]
    assert parsed["rating"].tolist() == [5, 3, 2, 5, 3]


def test_team_networks_agree_with_networkx(professional_frame):
    codebook, frame = professional_frame
    item = codebook.item("leaders")
    table = team_networks(frame, codebook, item).set_index("team")
    members = list(item.roster_codes)
    checked = 0
    for team, rows in frame[frame["team"].notna()].groupby("team"):
        # The sender is the self-reported role, or the response id when it was not given.
        graph = nx.DiGraph()
        graph.add_nodes_from(members)
        for rid, own, cell in zip(rows["response_id"], rows["me"], rows["leaders"], strict=True):
            sender = rid if pd.isna(own) else own
            if pd.isna(cell):
                continue
            for token in cell.split():
                target = token.split(":")[0]
                if target != sender:
                    graph.add_edge(sender, target)
        n = len(members)
        in_degrees = [graph.in_degree(m) for m in members]
        row = table.loc[team]
        assert row["n_ties"] == graph.number_of_edges()
        assert row["density"] == pytest.approx(graph.number_of_edges() / (n * (n - 1)))
        assert row["centralization"] == pytest.approx(
            sum(max(in_degrees) - d for d in in_degrees) / (n - 1) ** 2)
        assert row["gini"] == pytest.approx(mean_difference_gini(in_degrees))
        assert row["coverage"] == pytest.approx(
            len(set(rows["me"].dropna()) & set(members)) / len(members))
        checked += 1
    assert checked == len(table) > 10


def test_low_coverage_teams_are_flagged(professional_frame):
    codebook, frame = professional_frame
    table = team_networks(frame, codebook, codebook.item("leaders"), min_coverage=0.7)
    assert table["low_coverage"].tolist() == (table["coverage"] < 0.7).tolist()
    members = {"team_000": ["nurse_np", "physician"]}
    small = team_networks(frame, codebook, codebook.item("leaders"), members_by_team=members)
    assert small.set_index("team").loc["team_000", "n_members"] == 2

"""Titles and labels of charts and the report in French and English.

A small dict rather than gettext: the app's Flask-Babel is deliberately not available here.
"""

from __future__ import annotations

LANGUAGES = ("fr", "en")

LABELS: dict[str, dict[str, str]] = {
    "report_title": {"fr": "Rapport d'analyse", "en": "Analysis report"},
    "generated": {"fr": "Produit le", "en": "Generated on"},
    "responses": {"fr": "Réponses", "en": "Responses"},
    "questionnaire": {"fr": "Questionnaire", "en": "Questionnaire"},
    "notes": {"fr": "Remarques", "en": "Notes"},
    "suppression_note": {
        "fr": "Les groupes de moins de {n} personnes sont masqués (« masqué »), ainsi que le "
              "plus petit groupe voisin quand un total permettrait de les retrouver.",
        "en": "Groups of fewer than {n} people are hidden (\"suppressed\"), as is the next "
              "smallest group wherever a total would let them be recovered.",
    },
    "suppressed": {"fr": "masqué (n < {n})", "en": "suppressed (n < {n})"},
    "suppressed_short": {"fr": "masqué", "en": "suppressed"},
    "low_coverage": {"fr": "taux de réponse insuffisant", "en": "low response coverage"},
    "scale_means": {"fr": "Moyennes des échelles", "en": "Scale means"},
    "scale": {"fr": "Échelle", "en": "Scale"},
    "mean": {"fr": "Moyenne", "en": "Mean"},
    "score": {"fr": "Score", "en": "Score"},
    "group": {"fr": "Groupe", "en": "Group"},
    "percent": {"fr": "Pourcentage des réponses", "en": "Percentage of answers"},
    "likert_title": {"fr": "Réponses aux items : {scale}", "en": "Item answers: {scale}"},
    "distribution_title": {"fr": "Distribution des scores : {scale}",
                           "en": "Score distribution: {scale}"},
    "dumbbell_title": {"fr": "Évolution entre {a} et {b} : {scale}",
                       "en": "Change from {a} to {b}: {scale}"},
    "equity_title": {"fr": "Écarts d'équité : {scale}", "en": "Equity gaps: {scale}"},
    "radar_title": {"fr": "Profil des moyennes des échelles", "en": "Profile of scale means"},
    "network_title": {"fr": "Réseau de leadership : équipe {team}",
                      "en": "Leadership network: team {team}"},
    "reliability_title": {"fr": "Fidélité des échelles", "en": "Scale reliability"},
    "site": {"fr": "Site", "en": "Site"},
    "wave": {"fr": "Vague", "en": "Wave"},
    "team": {"fr": "Équipe", "en": "Team"},
    "in_degree": {"fr": "Nominations reçues", "en": "Nominations received"},
    "alpha": {"fr": "Alpha de Cronbach [IC 95 %]", "en": "Cronbach's alpha [95% CI]"},
    "omega": {"fr": "Oméga de McDonald [IC 95 %]", "en": "McDonald's omega [95% CI]"},
    "reliability_method": {
        "fr": "Alpha et oméga calculés comme le fait psych (R) : covariances {missing} ; oméga "
              "total d'un facteur ({method}), intervalle par bootstrap ({boot} rééchantillonnages,"
              " graine fixe) ; alpha avec l'intervalle de Feldt.",
        "en": "Alpha and omega computed as R's psych does: {missing} covariances; omega total of "
              "one factor ({method}), interval by bootstrap ({boot} resamples, fixed seed); alpha "
              "with Feldt's interval.",
    },
    "pairwise": {"fr": "par paires (toutes les réponses)", "en": "pairwise (every answer)"},
    "listwise": {"fr": "sur les réponses complètes seulement",
                 "en": "listwise (complete answers only)"},
    "minres": {"fr": "résidus minimaux", "en": "minimum residual"},
    "ml": {"fr": "maximum de vraisemblance", "en": "maximum likelihood"},
    "items": {"fr": "Items", "en": "Items"},
    "n": {"fr": "n", "en": "n"},
    "gap": {"fr": "Écart (plus haut − plus bas)", "en": "Gap (highest − lowest)"},
    "descriptor": {"fr": "Descripteur", "en": "Descriptor"},
    "paired": {"fr": "apparié (code panel)", "en": "paired (panel code)"},
    "independent": {"fr": "échantillons indépendants", "en": "independent samples"},
    "design": {"fr": "Plan", "en": "Design"},
    "tables": {"fr": "Tableaux", "en": "Tables"},
    "charts": {"fr": "Graphiques", "en": "Charts"},
    "impact": {"fr": "Impact", "en": "Impact"},
    "leadership": {"fr": "Leadership partagé", "en": "Shared leadership"},
    "reliability": {"fr": "Fidélité", "en": "Reliability"},
    "equity": {"fr": "Équité", "en": "Equity"},
    "overview": {"fr": "Vue d'ensemble", "en": "Overview"},
    "all": {"fr": "(tous)", "en": "(all)"},
}

# Short names of the shared equity descriptors (docs/questionnaire-format.md), for chart labels.
DESCRIPTORS: dict[str, dict[str, str]] = {
    "age_band": {"fr": "Âge", "en": "Age"},
    "gender": {"fr": "Genre", "en": "Gender"},
    "language_home": {"fr": "Langue parlée à la maison", "en": "Language at home"},
    "financial_strain": {"fr": "Difficultés financières", "en": "Financial strain"},
    "family_doctor": {"fr": "Médecin de famille", "en": "Family doctor"},
    "rurality": {"fr": "Milieu de vie", "en": "Rurality"},
    "immigration": {"fr": "Immigration", "en": "Immigration"},
}
YES_NO: dict[str, dict[str, str]] = {
    "yes": {"fr": "Oui", "en": "Yes"},
    "no": {"fr": "Non", "en": "No"},
}

TABLE_TITLES: dict[str, dict[str, str]] = {
    "responses": {"fr": "Réponses par groupe", "en": "Responses per group"},
    "scale_summary": {"fr": "Scores des échelles par groupe", "en": "Scale scores per group"},
    "item_distribution": {"fr": "Distribution des réponses aux items",
                          "en": "Distribution of item answers"},
    "reliability": {"fr": "Fidélité des échelles", "en": "Scale reliability"},
    "item_statistics": {"fr": "Statistiques des items", "en": "Item statistics"},
    "wave_changes": {"fr": "Évolution entre vagues par site",
                     "en": "Change between waves per site"},
    "difference_in_differences": {"fr": "Différence des différences (sites de comparaison)",
                                  "en": "Difference-in-differences (comparison sites)"},
    "equity_gaps": {"fr": "Écarts d'équité", "en": "Equity gaps"},
    "equity_means": {"fr": "Moyennes par descripteur d'équité",
                     "en": "Means per equity descriptor"},
    "team_scales": {"fr": "Échelles par équipe (rwg(j))", "en": "Scales per team (rwg(j))"},
    "team_aggregation": {"fr": "Agrégation aux équipes (ICC)", "en": "Aggregation to teams (ICC)"},
    "team_networks": {"fr": "Réseaux de leadership par équipe",
                      "en": "Leadership networks per team"},
}


def label(key: str, lang: str, **values: object) -> str:
    """The label ``key`` in ``lang`` (English when missing), formatted with ``values``."""
    entry = LABELS.get(key) or TABLE_TITLES.get(key) or {}
    text = entry.get(lang) or entry.get("en") or key
    return text.format(**values) if values else text

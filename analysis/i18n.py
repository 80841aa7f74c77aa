"""Titles and labels of charts and the report in French and English.

A small dict rather than gettext: the app's Flask-Babel is deliberately not available here.
"""

from __future__ import annotations

__all__ = [
    "LANGUAGES",
    "LABELS",
    "DESCRIPTORS",
    "YES_NO",
    "TABLE_TITLES",
    "AUDIENCE_NAMES",
    "COLUMN_LABELS",
    "column_label",
    "audience_name",
    "Note",
    "label",
]

LANGUAGES = ("fr", "en")

LABELS: dict[str, dict[str, str]] = {
    "report_title": {"fr": "Rapport d'analyse", "en": "Analysis report"},
    "generated": {"fr": "Produit le", "en": "Generated on"},
    "responses": {"fr": "Réponses", "en": "Responses"},
    "questionnaire": {"fr": "Questionnaire", "en": "Questionnaire"},
    "notes": {"fr": "Remarques", "en": "Notes"},
    # Notes of a computation (see Note): English is also their plain-text form.
    "note_wave_changes": {
        "fr": "changements entre vagues : {paired} appariés par code de panel, {independent} "
              "comparés comme échantillons indépendants",
        "en": "wave changes: {paired} paired by panel code, {independent} as independent samples",
    },
    "note_comparison_absent": {
        "fr": "site(s) de comparaison absent(s) des données : {sites}",
        "en": "comparison site(s) absent from the data: {sites}",
    },
    "note_no_rwg": {
        "fr": "rwg(j) non calculé pour {scales} : scores numériques et non réponses sur une "
              "échelle au nombre d'options connu (items likert) ; les moyennes d'équipe et "
              "ICC(1)/ICC(2) sont données",
        "en": "rwg(j) not computed for {scales}: numeric scores, not answers on a response "
              "scale with a known number of options (likert items); team means and "
              "ICC(1)/ICC(2) are given",
    },
    "note_low_coverage": {
        "fr": "{count} équipe(s) sous le seuil de {threshold:.0%} de taux de réponse "
              "(signalées) : {teams}",
        "en": "{count} team(s) below the {threshold:.0%} response-coverage threshold "
              "(flagged): {teams}",
    },
    "note_column_set_aside": {
        "fr": "La question {column} n'a pas pu être lue : ses réponses ne correspondent pas au "
              "dictionnaire des données ({problem}). Elle est laissée de côté, et les "
              "indicateurs qui l'utilisent manquent ; les autres sont calculés.",
        "en": "Question {column} could not be read: its answers do not match the codebook "
              "({problem}). It is set aside, and the indicators that use it are missing; the "
              "others are computed.",
    },
    "note_nominations_ignored": {
        "fr": "nominations ignorées : {own} auto-nominations, {outside} nominations de "
              "non-membres",
        "en": "nominations ignored: {own} self-nominations, {outside} nominations of non-members",
    },
    "note_items_empty": {
        "fr": "échelle {scale} : item(s) sans aucune réponse, laissé(s) de côté dans l'alpha et "
              "l'oméga : {items}",
        "en": "scale {scale}: item(s) nobody answered, left out of alpha and omega: {items}",
    },
    "note_items_constant": {
        "fr": "échelle {scale} : item(s) sans variance (tout le monde a donné la même réponse), "
              "laissé(s) de côté dans l'alpha et l'oméga comme le fait psych : {items}",
        "en": "scale {scale}: item(s) without variance (everyone gave the same answer), left "
              "out of alpha and omega as psych does: {items}",
    },
    "note_items_negative": {
        "fr": "échelle {scale} : item(s) corrélé(s) négativement avec le reste de l'échelle : "
              "{items} ; s'il s'agit d'items formulés à l'envers, déclarez-les dans \"reverse\" "
              "du livre de codes",
        "en": "scale {scale}: item(s) correlated negatively with the rest of the scale: "
              "{items}; if they are worded the other way round, declare them reversed "
              "(\"reverse\" in the codebook)",
    },
    "note_single_team": {
        "fr": "une seule équipe ({team}) : l'accord entre équipes (ICC(1), ICC(2)) demande au "
              "moins deux équipes ; rwg(j) et les moyennes de l'équipe sont donnés",
        "en": "a single team ({team}): agreement across teams (ICC(1), ICC(2)) needs at least "
              "two teams; the team's rwg(j) and means are given",
    },
    "note_omega_few_items": {
        "fr": "échelle {scale} : oméga hiérarchique non calculé, {k} items sont trop peu pour "
              "{factors} facteurs (plus de paramètres que de corrélations : psych::omega y "
              "avertit de cas ultra-Heywood et ses valeurs ne se reproduisent pas)",
        "en": "scale {scale}: omega hierarchical not computed, {k} items are too few for "
              "{factors} factors (more parameters than correlations: psych::omega warns of "
              "ultra-Heywood cases there and its values do not replicate)",
    },
    "note_omega_heywood": {
        "fr": "échelle {scale} : cas de Heywood (une communauté atteint 1) dans le modèle de "
              "l'oméga hiérarchique ; examinez ses saturations avec prudence",
        "en": "scale {scale}: Heywood case (a communality reaches 1) in the model of omega "
              "hierarchical; examine its loadings with care",
    },
    "reason_few_for_factors": {
        "fr": "non calculé : trop peu d'items pour 3 facteurs (voir les remarques)",
        "en": "not computed: too few items for three factors (see the notes)"},
    "reason_items_4": {"fr": "non calculable : 3 facteurs demandent au moins 4 items utilisables",
                       "en": "not computable: three factors need at least 4 usable items"},
    "reason_items_2": {"fr": "non calculable : moins de 2 items utilisables",
                       "en": "not computable: fewer than 2 usable items"},
    "reason_items_3": {"fr": "non calculable : moins de 3 items utilisables",
                       "en": "not computable: fewer than 3 usable items"},
    "reason_respondents": {"fr": "non calculable : trop peu de répondants",
                           "en": "not computable: too few respondents"},
    "reason_no_variance": {"fr": "non calculable : pas de variance commune entre les items",
                           "en": "not computable: no shared variance between the items"},
    "reason_one_team": {"fr": "non calculable : une seule équipe",
                        "en": "not computable: a single team"},
    "reversed_mark": {"fr": "(inversé)", "en": "(reversed)"},
    "reversed_items": {"fr": "Items inversés", "en": "Reversed items"},
    "dropped_items": {"fr": "Items écartés", "en": "Items left out"},
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
    "omega_h_short": {"fr": "Oméga hiérarchique (3 facteurs)",
                      "en": "Omega hierarchical (3 factors)"},
    "reliability_method": {
        "fr": "Alpha et oméga calculés comme le fait psych (R) : covariances {missing}, n = "
              "{n_rule} ; alpha = psych::alpha() (raw_alpha) avec "
              "l'intervalle de Feldt (celui de Duhachek et l'alpha standardisé dans les "
              "tableaux) ; oméga total = psych::omega(nfactors = 1, fm = \"{fm}\"), un facteur "
              "({method}), intervalle par bootstrap ({boot} rééchantillonnages, graine fixe). "
              "Les items sans réponse ou sans variance sont écartés, comme le fait psych.",
        "en": "Alpha and omega computed as R's psych does: {missing} covariances, n = "
              "{n_rule}; alpha = psych::alpha() (raw_alpha) with Feldt's interval "
              "(Duhachek's and the standardised alpha in the tables); omega total = "
              "psych::omega(nfactors = 1, fm = \"{fm}\"), one factor ({method}), interval by "
              "bootstrap ({boot} resamples, fixed seed). Items without answers or without "
              "variance are left out, as psych does.",
    },
    "reliability_method_no_boot": {
        "fr": "Alpha et oméga calculés comme le fait psych (R) : covariances {missing}, n = "
              "{n_rule} ; alpha = psych::alpha() (raw_alpha) avec "
              "l'intervalle de Feldt (celui de Duhachek et l'alpha standardisé dans les "
              "tableaux) ; oméga total = psych::omega(nfactors = 1, fm = \"{fm}\"), un facteur "
              "({method}), sans intervalle (bootstrap désactivé). Les items sans réponse ou sans "
              "variance sont écartés, comme le fait psych.",
        "en": "Alpha and omega computed as R's psych does: {missing} covariances, n = "
              "{n_rule}; alpha = psych::alpha() (raw_alpha) with Feldt's interval "
              "(Duhachek's and the standardised alpha in the tables); omega total = "
              "psych::omega(nfactors = 1, fm = \"{fm}\"), one factor ({method}), without "
              "interval (bootstrap turned off). Items without answers or without variance are "
              "left out, as psych does.",
    },
    "n_pairwise": {"fr": "toutes les personnes, comme psych",
                   "en": "every person, as in psych"},
    "n_listwise": {"fr": "les réponses complètes", "en": "the complete answers"},
    "rwg_not_computed": {
        "fr": "non calculé (pas d'échelle de réponse)",
        "en": "not computed (no response scale)",
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
    "chart_data": {"fr": "Données du graphique", "en": "Chart data"},
    "chart_alt": {"fr": "valeurs dans « Données du graphique » sous le graphique",
                  "en": "values in \"Chart data\" below the chart"},
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
    "schmid_leiman": {"fr": "Oméga hiérarchique : saturations de Schmid-Leiman (psych::omega)",
                      "en": "Omega hierarchical: Schmid-Leiman loadings (psych::omega)"},
    "team_networks": {"fr": "Réseaux de leadership par équipe",
                      "en": "Leadership networks per team"},
}


# The one home of the audiences' names: reports, results and the workspace show these.
AUDIENCE_NAMES: dict[str, dict[str, str]] = {
    "patient": {"fr": "Patients et usagers", "en": "Patients and service users"},
    "professional": {"fr": "Professionnels", "en": "Professionals"},
    "citizen": {"fr": "Citoyennes, citoyens et partenaires de la communauté",
                "en": "Citizens and community partners"},
}

# Column headings of the report's tables, in words (the CSV files keep the column names).
COLUMN_LABELS: dict[str, dict[str, str]] = {
    "audience": {"fr": "Public", "en": "Audience"},
    "wave": {"fr": "Vague", "en": "Wave"},
    "site": {"fr": "Site", "en": "Site"},
    "team": {"fr": "Équipe", "en": "Team"},
    "scale": {"fr": "Échelle", "en": "Scale"},
    "item": {"fr": "Item", "en": "Item"},
    "option": {"fr": "Réponse", "en": "Answer"},
    "count": {"fr": "Effectif", "en": "Count"},
    "n": {"fr": "n", "en": "n"},
    "k": {"fr": "Items", "en": "Items"},
    "pct": {"fr": "%", "en": "%"},
    "mean": {"fr": "Moyenne", "en": "Mean"},
    "sd": {"fr": "Écart type", "en": "SD"},
    "ci_low": {"fr": "IC 95 % bas", "en": "95% CI low"},
    "ci_high": {"fr": "IC 95 % haut", "en": "95% CI high"},
    "top_box_pct": {"fr": "% dans les deux plus hautes réponses",
                    "en": "% in the two highest answers"},
    "missing": {"fr": "Réponses manquantes", "en": "Missing answers"},
    "alpha": {"fr": "Alpha", "en": "Alpha"},
    "alpha_ci_low": {"fr": "Alpha : IC bas", "en": "Alpha: CI low"},
    "alpha_ci_high": {"fr": "Alpha : IC haut", "en": "Alpha: CI high"},
    "omega": {"fr": "Oméga", "en": "Omega"},
    "omega_ci_low": {"fr": "Oméga : IC bas", "en": "Omega: CI low"},
    "omega_ci_high": {"fr": "Oméga : IC haut", "en": "Omega: CI high"},
    "omega_method": {"fr": "Méthode de l'oméga", "en": "Omega method"},
    "alpha_std": {"fr": "Alpha standardisé", "en": "Standardised alpha"},
    "alpha_duhachek_low": {"fr": "Alpha : IC bas (Duhachek)", "en": "Alpha: CI low (Duhachek)"},
    "alpha_duhachek_high": {"fr": "Alpha : IC haut (Duhachek)",
                            "en": "Alpha: CI high (Duhachek)"},
    "alpha_reason": {"fr": "Alpha : raison", "en": "Alpha: reason"},
    "omega_h": {"fr": "Oméga hiérarchique", "en": "Omega hierarchical"},
    "omega_h_total": {"fr": "Oméga total (3 facteurs)", "en": "Omega total (3 factors)"},
    "omega_h_reason": {"fr": "Oméga hiérarchique : raison", "en": "Omega hierarchical: reason"},
    "g": {"fr": "g (facteur général)", "en": "g (general factor)"},
    "h2": {"fr": "h² (communauté)", "en": "h² (communality)"},
    "u2": {"fr": "u² (unicité)", "en": "u² (uniqueness)"},
    "p2": {"fr": "p² (part de g)", "en": "p² (share of g)"},
    "omega_reason": {"fr": "Oméga : raison", "en": "Omega: reason"},
    "dropped": {"fr": "Items écartés", "en": "Items left out"},
    "reversed": {"fr": "Inversé", "en": "Reversed"},
    "item_total_r": {"fr": "Corrélation item-reste", "en": "Item-rest correlation"},
    "alpha_if_deleted": {"fr": "Alpha sans l'item", "en": "Alpha without the item"},
    "descriptor": {"fr": "Descripteur", "en": "Descriptor"},
    "category": {"fr": "Catégorie", "en": "Category"},
    "n_categories": {"fr": "Catégories", "en": "Categories"},
    "n_excluded": {"fr": "Exclus (petits groupes)", "en": "Excluded (small groups)"},
    "highest": {"fr": "Groupe le plus haut", "en": "Highest group"},
    "lowest": {"fr": "Groupe le plus bas", "en": "Lowest group"},
    "n_highest": {"fr": "n (plus haut)", "en": "n (highest)"},
    "n_lowest": {"fr": "n (plus bas)", "en": "n (lowest)"},
    "mean_highest": {"fr": "Moyenne (plus haut)", "en": "Mean (highest)"},
    "mean_lowest": {"fr": "Moyenne (plus bas)", "en": "Mean (lowest)"},
    "gap": {"fr": "Écart", "en": "Gap"},
    "p_value": {"fr": "p", "en": "p"},
    "epsilon_squared": {"fr": "Epsilon²", "en": "Epsilon²"},
    "wave_from": {"fr": "Vague de départ", "en": "From wave"},
    "wave_to": {"fr": "Vague d'arrivée", "en": "To wave"},
    "design": {"fr": "Plan", "en": "Design"},
    "n_from": {"fr": "n (départ)", "en": "n (from)"},
    "n_to": {"fr": "n (arrivée)", "en": "n (to)"},
    "n_pairs": {"fr": "Paires", "en": "Pairs"},
    "mean_from": {"fr": "Moyenne (départ)", "en": "Mean (from)"},
    "mean_to": {"fr": "Moyenne (arrivée)", "en": "Mean (to)"},
    "difference": {"fr": "Différence", "en": "Difference"},
    "rank_biserial": {"fr": "Rang bisérial", "en": "Rank-biserial"},
    "hedges_g": {"fr": "g de Hedges", "en": "Hedges' g"},
    "did": {"fr": "Différence des différences", "en": "Difference-in-differences"},
    "se": {"fr": "Erreur type", "en": "SE"},
    "change_site": {"fr": "Évolution (site)", "en": "Change (site)"},
    "change_comparison": {"fr": "Évolution (comparaison)", "en": "Change (comparison)"},
    "rwg_j": {"fr": "rwg(j)", "en": "rwg(j)"},
    "n_rwg": {"fr": "n (rwg)", "en": "n (rwg)"},
    "n_teams": {"fr": "Équipes", "en": "Teams"},
    "icc1": {"fr": "ICC(1)", "en": "ICC(1)"},
    "icc2": {"fr": "ICC(2)", "en": "ICC(2)"},
    "median_rwg_j": {"fr": "rwg(j) médian", "en": "Median rwg(j)"},
    "n_members": {"fr": "Membres", "en": "Members"},
    "n_respondents": {"fr": "Répondants", "en": "Respondents"},
    "n_responses": {"fr": "Réponses", "en": "Responses"},
    "coverage": {"fr": "Taux de réponse", "en": "Coverage"},
    "n_ties": {"fr": "Liens", "en": "Ties"},
    "density": {"fr": "Densité", "en": "Density"},
    "centralization": {"fr": "Centralisation", "en": "Centralization"},
    "gini": {"fr": "Gini", "en": "Gini"},
    "low_coverage": {"fr": "Taux insuffisant", "en": "Low coverage"},
    "valued_density": {"fr": "Densité pondérée", "en": "Valued density"},
    "valued_density_normalised": {"fr": "Densité pondérée (0 à 1)",
                                  "en": "Valued density (0 to 1)"},
    "ignored_self": {"fr": "Auto-nominations ignorées", "en": "Self-nominations ignored"},
    "ignored_non_member": {"fr": "Nominations hors équipe ignorées",
                           "en": "Nominations of non-members ignored"},
    "in_degree": {"fr": "Nominations reçues", "en": "Nominations received"},
    "p05": {"fr": "5e centile", "en": "5th percentile"},
    "q1": {"fr": "1er quartile", "en": "1st quartile"},
    "median": {"fr": "Médiane", "en": "Median"},
    "q3": {"fr": "3e quartile", "en": "3rd quartile"},
    "p95": {"fr": "95e centile", "en": "95th percentile"},
}


def column_label(column: str, lang: str) -> str:
    """A table column heading in words; unknown columns with their underscores as spaces."""
    entry = COLUMN_LABELS.get(column)
    if entry:
        return entry.get(lang) or entry["en"]
    return column.replace("_", " ")


def audience_name(audience: str, lang: str) -> str:
    return AUDIENCE_NAMES.get(audience, {}).get(lang, audience)


class Note(str):
    """A note of a computation: its English text (what the CLI prints and indicators.json
    keeps), with the key and values that word it in another language (the report)."""

    key: str
    values: dict[str, object]

    def __new__(cls, key: str, **values: object) -> Note:
        note = super().__new__(cls, label(key, "en", **values))
        note.key, note.values = key, values
        return note

    def in_language(self, lang: str) -> str:
        return label(self.key, lang, **self.values)


def label(key: str, lang: str, **values: object) -> str:
    """The label ``key`` in ``lang`` (English when missing), formatted with ``values``."""
    entry = LABELS.get(key) or TABLE_TITLES.get(key) or {}
    text = entry.get(lang) or entry.get("en") or key
    return text.format(**values) if values else text

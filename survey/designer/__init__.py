"""The questionnaire designer: pages in the browser on the same drafts as uploads."""

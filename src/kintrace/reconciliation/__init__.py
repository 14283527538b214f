"""Status reconciliation: from all of a person's reports to one assessed status, with reasons."""

"""Reports: one claim from one source about one person, graded with the Admiralty code."""

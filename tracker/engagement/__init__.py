"""The shell around the rules: gathers facts from the database, stores and reads verdicts."""

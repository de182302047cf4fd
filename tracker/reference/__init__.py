"""Reference data shipped with the package: course content (Annex 2) and schedules (Annex 1a)."""

"""The build pipeline: editions as data, running notebooks through papermill with a cache, one build of
an edition at a time, and scaffolding the next edition."""

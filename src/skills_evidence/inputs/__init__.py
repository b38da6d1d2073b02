"""Inputs: the versioned snapshots in data/ (their sidecars, checksums and schemas), the loaders that
read each official format, the steps that derive or fetch snapshots, and the synthetic stand-ins."""

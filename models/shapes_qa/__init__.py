"""Shapes-QA: the synthetic VQA set with per-object masks (DESIGN §5)."""

"""The built-in demo model: a small LLaVA trained from scratch on Shapes-QA (issue 4)."""

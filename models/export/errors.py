"""Typed exporter errors: each says what was expected and what was found (STYLE §6)."""

from __future__ import annotations


class ExportError(Exception):
    """Base class; the CLI prints `error: <message>` and exits non-zero for any of these."""

    def __init__(self, what: str, expected: str, found: str):
        self.what, self.expected, self.found = what, expected, found
        super().__init__(f"{what}: expected {expected}; found {found}")


class WrongDirectoryError(ExportError):
    """The --hf path is not a directory, or is not a model checkpoint directory."""


class MissingFileError(ExportError):
    """A file the exporter needs (config.json, weights, tokenizer.json, preprocessing) is absent."""


class UnsupportedFamilyError(ExportError):
    """The checkpoint is not one of the registered families, or uses a variant we cannot export."""


class AtolError(ExportError):
    """An exported graph's output differs from PyTorch by more than its tolerance."""


class ManifestError(ExportError):
    """The manifest does not validate against shared/schemas/bundle-manifest.schema.json."""

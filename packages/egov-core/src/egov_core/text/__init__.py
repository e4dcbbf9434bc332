"""Japanese text handling: normalisation and the character n-gram search tokens."""

from egov_core.text.ngrams import MAX_POSITION, tsvector_literal
from egov_core.text.normalize import normalize

__all__ = ["MAX_POSITION", "normalize", "tsvector_literal"]

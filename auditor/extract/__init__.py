"""Reading disclosure pages: bytes → text → label/value pairs → normalised metadata, lists, links."""

from auditor.extract.metadata import Metadata, extract_metadata, extract_page

__all__ = ["Metadata", "extract_metadata", "extract_page"]

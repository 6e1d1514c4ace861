"""Reading source documents (Markdown, text, HTML, PDF) into structured blocks."""

SUPPORTED_SUFFIXES = {".md", ".markdown", ".txt", ".text", ".html", ".htm", ".pdf"}

"""Stage 1, read: a source (URL, HTML or text file, stdin) → an `Article`.

`fetch` gets the bytes and decodes them into a `Page`; `extract` finds the story in it (title,
byline, date, site, lead image, language, blocks) with `junk` deciding what a listener should
not hear. Imports only the shared modules (`narrate.model`, `narrate.errors`).
"""

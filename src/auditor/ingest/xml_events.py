"""The XML parser's events, read in chunks, keeping every event that came before a syntax error.

Only lxml is imported here; the reader of the export (`ingest/xml.py`) decides what the events mean.
"""

from __future__ import annotations

import itertools
from typing import BinaryIO

from lxml import etree


class PullEvents:
    """The parser's events, fed in chunks, that still yields every event read before a syntax error.

    `etree.iterparse` under libxml2 2.14 (lxml 6) drops the events of the chunk in which the error
    occurs, so the cases before a broken byte would be lost; a pull parser keeps them readable."""

    CHUNK = 1 << 16

    def __init__(self, reader: BinaryIO):
        self.reader = reader
        self.root = None
        self.parser = etree.XMLPullParser(
            events=("start", "end"), tag=("cases", "disclosures", "case", "disclosure"),
            resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False,
            remove_comments=True, remove_pis=True,
        )

    # The head goes in small pieces: libxml2 2.14 converts a whole fed buffer when the declaration
    # switches encoding, so a wrongly declared file would otherwise fail before its root is seen.
    # Older libxml2 needs no such care, and splitting a DOCTYPE's parameter entity across pieces
    # confuses it: there the head goes in one piece.
    HEAD = 4096
    PIECE = 64 if etree.LIBXML_VERSION >= (2, 14, 0) else HEAD

    def __iter__(self):
        parser = self.parser
        head = self.reader.read(self.HEAD)
        pieces = (head[i:i + self.PIECE] for i in range(0, len(head), self.PIECE))
        for chunk in itertools.chain(pieces, iter(lambda: self.reader.read(self.CHUNK), b"")):
            try:
                parser.feed(chunk)
            except etree.XMLSyntaxError:
                yield from parser.read_events()
                raise
            yield from parser.read_events()
        # On a premature end, close() reports the error and then ends the open elements itself:
        # those "end" events were never in the file, so they are dropped with the error.
        self.root = parser.close()
        yield from parser.read_events()

"""The canonical case model: fields, value parsing, canonical frames and the fact catalogue."""

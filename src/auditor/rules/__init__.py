"""The rule pack: loading, the condition tree and its parser, parameters, examples and the catalogue."""

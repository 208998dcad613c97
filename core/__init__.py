"""The shared core: time, mail, transactions, vocabularies, errors, validation,
links and tokens, the pact and its themes, spreadsheets and common form pieces.

It imports nothing of the feature packages above it.
"""

"""Commitments: the domain object that the live board and the pact pages both build
on. It may import stakeholders and core, nothing above."""

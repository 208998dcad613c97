"""The demo: pacts, people, workshops and a published pact with its progress, built
through the use cases so that `make run` shows a lived-in installation."""

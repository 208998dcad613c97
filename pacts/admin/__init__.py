"""The administrator's pages: every pact of the installation, a new pact with its
settings (titles per language, territory, country, languages, timezone, reporting
schedule, licence), and each pact's themes (add, rename per language, reorder,
archive, restore)."""

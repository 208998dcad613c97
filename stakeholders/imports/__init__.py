"""Importing registrations in the browser: an official uploads a CSV or XLSX file,
maps its columns to the registration's fields, previews every row as it will be
imported (each bad or duplicate row with its reason, before anything is written),
then imports the valid rows a chunk at a time behind a progress bar. The pending
import lives in the database (several app processes serve one official)."""

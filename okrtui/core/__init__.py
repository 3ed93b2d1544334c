"""The bottom: errors, record stamps, text made safe to show, crash-safe files, keys and
signatures, the progress bar. Imports nothing of okrtui above it."""
